import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { adoptionPlan, migrationPlan, migrationStatus, validateSchema } from "../../backend";

/** The Migrations section's reads; a finished apply, revert or adoption invalidates them all. */
export const migrationsKeys = {
  all: ["migrations"],
  status: (env: string) => ["migrations", "status", env],
  plan: (env: string) => ["migrations", "plan", env],
  validate: (env: string) => ["migrations", "validate", env],
  adopt: (env: string, backfills: [string, string][]) => ["migrations", "adopt", env, backfills],
} as const;

export const MIGRATION_WRITES = [migrationsKeys.all];

export const useStatus = (env: string) =>
  useQuery({ queryKey: migrationsKeys.status(env), queryFn: () => migrationStatus(env), staleTime: 0 });
export const usePlan = (env: string) => useQuery({ queryKey: migrationsKeys.plan(env), queryFn: () => migrationPlan(env), staleTime: 0 });
export const useValidation = (env: string) =>
  useQuery({ queryKey: migrationsKeys.validate(env), queryFn: () => validateSchema(env), staleTime: 0 });
/** The adoption plan with the back-fills the operator accepted (the last plan stays on screen while it is rebuilt). */
export const useAdoptionPlan = (env: string, backfills: [string, string][]) =>
  useQuery({
    queryKey: migrationsKeys.adopt(env, backfills),
    queryFn: () => adoptionPlan(env, backfills),
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
