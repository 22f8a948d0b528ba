-- Row-level security for Supabase: every table is closed to the anon and authenticated roles
-- except through the policies below. "Own tenant" is looked up through a SECURITY DEFINER
-- function, so no policy queries a policy-guarded table (the platform's own policy file does, and
-- fails with "infinite recursion detected in policy for relation users").
-- Only where Supabase's auth schema and service_role exist; elsewhere the plan says it is skipped.
-- afc:requires-function auth.uid()
-- afc:requires-role service_role

CREATE FUNCTION public.afc_current_tenant_id() RETURNS varchar
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT tenant_id FROM public.users WHERE id = (auth.uid())::text $$;

ALTER TABLE public.tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.agents ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.workflows ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.blueprints ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.audit_logs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.usage_records ENABLE ROW LEVEL SECURITY;

CREATE POLICY tenants_select_own ON public.tenants FOR SELECT
    USING (id = public.afc_current_tenant_id());
CREATE POLICY tenants_service_role_all ON public.tenants FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
CREATE POLICY users_select_own_tenant ON public.users FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY users_update_self ON public.users FOR UPDATE
    USING (id = (auth.uid())::text)
    WITH CHECK (id = (auth.uid())::text);
CREATE POLICY users_service_role_all ON public.users FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
CREATE POLICY agents_select_own_tenant ON public.agents FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY agents_insert_own_tenant ON public.agents FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY agents_update_own_tenant ON public.agents FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY agents_delete_own ON public.agents FOR DELETE
    USING (tenant_id = public.afc_current_tenant_id() AND created_by = (auth.uid())::text);
CREATE POLICY workflows_select_own_tenant ON public.workflows FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY workflows_insert_own_tenant ON public.workflows FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY workflows_update_own_tenant ON public.workflows FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY workflows_delete_own ON public.workflows FOR DELETE
    USING (tenant_id = public.afc_current_tenant_id() AND created_by = (auth.uid())::text);
CREATE POLICY blueprints_select_public_or_own ON public.blueprints FOR SELECT
    USING (is_public OR publisher_id = (auth.uid())::text);
CREATE POLICY blueprints_insert_own ON public.blueprints FOR INSERT
    WITH CHECK (publisher_id = (auth.uid())::text);
CREATE POLICY blueprints_update_own ON public.blueprints FOR UPDATE
    USING (publisher_id = (auth.uid())::text)
    WITH CHECK (publisher_id = (auth.uid())::text);
CREATE POLICY blueprints_delete_own ON public.blueprints FOR DELETE
    USING (publisher_id = (auth.uid())::text);
CREATE POLICY executions_select_own_tenant ON public.executions FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY executions_insert_own_tenant ON public.executions FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY executions_update_own_tenant ON public.executions FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY projects_select_own_tenant ON public.projects FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY projects_insert_own_tenant ON public.projects FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY projects_update_own_tenant ON public.projects FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
CREATE POLICY api_keys_all_own ON public.api_keys FOR ALL
    USING (user_id = (auth.uid())::text)
    WITH CHECK (user_id = (auth.uid())::text);
CREATE POLICY plans_select_active ON public.plans FOR SELECT
    USING (is_active);
CREATE POLICY plans_service_role_all ON public.plans FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
CREATE POLICY subscriptions_select_own_tenant ON public.subscriptions FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY subscriptions_service_role_all ON public.subscriptions FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
CREATE POLICY usage_records_select_own_tenant ON public.usage_records FOR SELECT
    USING (tenant_id = public.afc_current_tenant_id());
CREATE POLICY usage_records_service_role_all ON public.usage_records FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
CREATE POLICY audit_logs_select_own_or_tenant ON public.audit_logs FOR SELECT
    USING (user_id = (auth.uid())::text OR user_id IN (SELECT id FROM public.users WHERE tenant_id = public.afc_current_tenant_id()));
CREATE POLICY audit_logs_service_role_all ON public.audit_logs FOR ALL TO service_role
    USING (true)
    WITH CHECK (true);
