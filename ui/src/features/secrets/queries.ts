import { useQuery } from "@tanstack/react-query";
import { driftBoard, keyringStatus, listVariables } from "../../backend";
import { shellKeys } from "../../queries";

/** The Secrets section's reads. Its writes invalidate `variables` (all environments), the drift
 * board and the environments (a variable's flags live in its profile). */
export const secretsKeys = {
  variables: (env?: string) => (env === undefined ? ["variables"] : ["variables", env]),
  drift: ["drift"],
  keyring: ["keyring"],
} as const;

export const SECRET_WRITES = [secretsKeys.variables(), secretsKeys.drift, secretsKeys.keyring, shellKeys.environments];

export const useKeyringStatus = () => useQuery({ queryKey: secretsKeys.keyring, queryFn: keyringStatus, staleTime: 0 });

export const useVariables = (environment: string | undefined) =>
  useQuery({
    queryKey: secretsKeys.variables(environment),
    queryFn: () => listVariables(environment ?? ""),
    enabled: environment !== undefined,
    staleTime: 0,
  });

export const useDriftBoard = (enabled: boolean) => useQuery({ queryKey: secretsKeys.drift, queryFn: driftBoard, enabled, staleTime: 0 });
