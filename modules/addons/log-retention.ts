import { z } from "zod";
import { LOG_RETENTION_DAYS } from "../rules";

/** Days to keep a CloudWatch Logs log group: only the periods CloudWatch Logs accepts (modules/rules.ts). */
export const logRetentionDays = z
  .number()
  .int()
  .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
    message: `must be one of the CloudWatch Logs retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
  });
