-- The 22 indexes behind the platform's tenant-scoped lists and dashboards.

CREATE INDEX ix_tenants_is_active ON public.tenants (is_active);
CREATE INDEX ix_agents_tenant_id ON public.agents (tenant_id);
CREATE INDEX ix_agents_created_by ON public.agents (created_by);
CREATE INDEX ix_workflows_tenant_id ON public.workflows (tenant_id);
CREATE INDEX ix_workflows_created_by ON public.workflows (created_by);
CREATE INDEX ix_blueprints_publisher_id ON public.blueprints (publisher_id);
CREATE INDEX ix_executions_tenant_id ON public.executions (tenant_id);
CREATE INDEX ix_executions_created_by ON public.executions (created_by);
CREATE INDEX ix_executions_status ON public.executions (status);
CREATE INDEX ix_executions_tenant_status ON public.executions (tenant_id, status);
CREATE INDEX ix_executions_tenant_created ON public.executions (tenant_id, created_at);
CREATE INDEX ix_executions_created_at ON public.executions (created_at);
CREATE INDEX ix_executions_completed_at ON public.executions (completed_at);
CREATE INDEX ix_api_keys_is_active ON public.api_keys (is_active);
CREATE INDEX ix_api_keys_last_used_at ON public.api_keys (last_used_at);
CREATE INDEX ix_api_keys_expires_at ON public.api_keys (expires_at);
CREATE INDEX ix_projects_tenant_id ON public.projects (tenant_id);
CREATE INDEX ix_projects_created_by ON public.projects (created_by);
CREATE INDEX ix_subscriptions_tenant_id ON public.subscriptions (tenant_id);
CREATE INDEX ix_subscriptions_status ON public.subscriptions (status);
CREATE INDEX ix_usage_records_tenant_id ON public.usage_records (tenant_id);
CREATE INDEX ix_usage_records_tenant_period ON public.usage_records (tenant_id, period_start, period_end);
