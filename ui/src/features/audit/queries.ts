import { useQuery } from "@tanstack/react-query";
import { auditLog } from "../../backend";
import { shellKeys } from "../../queries";

/** The audit log; every write invalidates it (see `useWrite`). */
export const useAuditLog = () => useQuery({ queryKey: shellKeys.audit, queryFn: auditLog, staleTime: 0 });
