-- Drops the performance indexes; the data is untouched.

DROP INDEX public.ix_tenants_is_active;
DROP INDEX public.ix_agents_tenant_id;
DROP INDEX public.ix_agents_created_by;
DROP INDEX public.ix_workflows_tenant_id;
DROP INDEX public.ix_workflows_created_by;
DROP INDEX public.ix_blueprints_publisher_id;
DROP INDEX public.ix_executions_tenant_id;
DROP INDEX public.ix_executions_created_by;
DROP INDEX public.ix_executions_status;
DROP INDEX public.ix_executions_tenant_status;
DROP INDEX public.ix_executions_tenant_created;
DROP INDEX public.ix_executions_created_at;
DROP INDEX public.ix_executions_completed_at;
DROP INDEX public.ix_api_keys_is_active;
DROP INDEX public.ix_api_keys_last_used_at;
DROP INDEX public.ix_api_keys_expires_at;
DROP INDEX public.ix_projects_tenant_id;
DROP INDEX public.ix_projects_created_by;
DROP INDEX public.ix_subscriptions_tenant_id;
DROP INDEX public.ix_subscriptions_status;
DROP INDEX public.ix_usage_records_tenant_id;
DROP INDEX public.ix_usage_records_tenant_period;
