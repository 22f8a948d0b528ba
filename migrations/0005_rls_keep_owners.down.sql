-- Back to 0004's policies (which let a user change tenant and ownership columns); no data changes.

DROP POLICY api_keys_delete_own ON public.api_keys;
DROP POLICY api_keys_update_own ON public.api_keys;
DROP POLICY api_keys_insert_own ON public.api_keys;
DROP POLICY api_keys_select_own ON public.api_keys;
CREATE POLICY api_keys_all_own ON public.api_keys FOR ALL
    USING (user_id = (auth.uid())::text)
    WITH CHECK (user_id = (auth.uid())::text);

DROP POLICY workflows_update_own_tenant ON public.workflows;
CREATE POLICY workflows_update_own_tenant ON public.workflows FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
DROP POLICY workflows_insert_own_tenant ON public.workflows;
CREATE POLICY workflows_insert_own_tenant ON public.workflows FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());

DROP POLICY agents_update_own_tenant ON public.agents;
CREATE POLICY agents_update_own_tenant ON public.agents FOR UPDATE
    USING (tenant_id = public.afc_current_tenant_id())
    WITH CHECK (tenant_id = public.afc_current_tenant_id());
DROP POLICY agents_insert_own_tenant ON public.agents;
CREATE POLICY agents_insert_own_tenant ON public.agents FOR INSERT
    WITH CHECK (tenant_id = public.afc_current_tenant_id());

DROP POLICY users_update_self ON public.users;
CREATE POLICY users_update_self ON public.users FOR UPDATE
    USING (id = (auth.uid())::text)
    WITH CHECK (id = (auth.uid())::text);

DROP FUNCTION public.afc_within_own_permissions(json);
DROP FUNCTION public.afc_workflow_keeps_creator(varchar, varchar);
DROP FUNCTION public.afc_agent_keeps_creator(varchar, varchar);
DROP FUNCTION public.afc_user_keeps_privileges(public.users);
