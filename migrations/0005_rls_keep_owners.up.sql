-- Row-level security, continued: 0004's insert and update policies checked who the caller is,
-- not what the new row says. A user could move themselves into another tenant
-- (UPDATE users SET tenant_id = …) or give themselves roles, insert an API key for another
-- tenant with any permissions, and take over a colleague's agents and workflows by rewriting
-- created_by (and then delete them). Every WITH CHECK now also keeps the tenant, the ownership
-- and the privilege columns where they were. The stored values are read by SECURITY DEFINER
-- functions (no policy queries a table under its own policies) that answer only yes or no,
-- and only about the caller's own row or rows of the caller's tenant.
-- afc:requires-function auth.uid()
-- afc:requires-role service_role

CREATE FUNCTION public.afc_user_keeps_privileges(new_row public.users) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT EXISTS (
        SELECT 1 FROM public.users u
        WHERE u.id = new_row.id AND u.id = (auth.uid())::text
          AND u.tenant_id IS NOT DISTINCT FROM new_row.tenant_id
          AND u.roles::jsonb IS NOT DISTINCT FROM new_row.roles::jsonb
          AND u.permissions::jsonb IS NOT DISTINCT FROM new_row.permissions::jsonb
          AND u.is_superuser IS NOT DISTINCT FROM new_row.is_superuser
          AND u.is_active IS NOT DISTINCT FROM new_row.is_active) $$;

CREATE FUNCTION public.afc_agent_keeps_creator(agent_id varchar, creator varchar) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT EXISTS (
        SELECT 1 FROM public.agents a
        WHERE a.id = agent_id AND a.tenant_id = public.afc_current_tenant_id()
          AND a.created_by IS NOT DISTINCT FROM creator) $$;

CREATE FUNCTION public.afc_workflow_keeps_creator(workflow_id varchar, creator varchar) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT EXISTS (
        SELECT 1 FROM public.workflows w
        WHERE w.id = workflow_id AND w.tenant_id = public.afc_current_tenant_id()
          AND w.created_by IS NOT DISTINCT FROM creator) $$;

-- An API key may carry only permissions its user has.
CREATE FUNCTION public.afc_within_own_permissions(wanted json) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ''
    AS $$ SELECT coalesce(wanted::jsonb, '[]'::jsonb) <@ coalesce(
        (SELECT u.permissions::jsonb FROM public.users u WHERE u.id = (auth.uid())::text),
        '[]'::jsonb) $$;

DROP POLICY users_update_self ON public.users;
CREATE POLICY users_update_self ON public.users FOR UPDATE
    USING (id = (auth.uid())::text)
    WITH CHECK (id = (auth.uid())::text AND public.afc_user_keeps_privileges(users));

DROP POLICY agents_insert_own_tenant ON public.agents;
CREATE POLICY agents_insert_own_tenant ON public.agents FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id() AND created_by = (auth.uid())::text);
DROP POLICY agents_update_own_tenant ON public.agents;
CREATE POLICY agents_update_own_tenant ON public.agents FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id()
                AND public.afc_agent_keeps_creator(id, created_by));

DROP POLICY workflows_insert_own_tenant ON public.workflows;
CREATE POLICY workflows_insert_own_tenant ON public.workflows FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id() AND created_by = (auth.uid())::text);
DROP POLICY workflows_update_own_tenant ON public.workflows;
CREATE POLICY workflows_update_own_tenant ON public.workflows FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id()
                AND public.afc_workflow_keeps_creator(id, created_by));

DROP POLICY api_keys_all_own ON public.api_keys;
CREATE POLICY api_keys_select_own ON public.api_keys FOR SELECT
    USING (user_id = (auth.uid())::text);
CREATE POLICY api_keys_insert_own ON public.api_keys FOR INSERT
    WITH CHECK (user_id = (auth.uid())::text AND tenant_id = public.afc_current_tenant_id()
                AND public.afc_within_own_permissions(permissions));
CREATE POLICY api_keys_update_own ON public.api_keys FOR UPDATE
    USING (user_id = (auth.uid())::text)
    WITH CHECK (user_id = (auth.uid())::text AND tenant_id = public.afc_current_tenant_id()
                AND public.afc_within_own_permissions(permissions));
CREATE POLICY api_keys_delete_own ON public.api_keys FOR DELETE
    USING (user_id = (auth.uid())::text);
