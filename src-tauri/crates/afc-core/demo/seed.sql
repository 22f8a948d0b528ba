-- The demo data set of ../shared/spec/schema.md ("Demo data"), written by `afctl demo seed` and the
-- window's Demo section in one transaction (the caller's). Every id starts with `demo-`; the user's
-- password hash is bcrypt of a random string that was thrown away, so nobody can log in as it.
-- Timestamps are naive UTC, as the platform writes them.

INSERT INTO public.tenants (id, name, slug, is_active, plan, resource_quota, usage)
VALUES ('demo-tenant', 'Demo Organization', 'demo-org', true, 'pro',
        '{"agents": 50, "workflows": 20}', '{"agents": 0, "workflows": 0}');

INSERT INTO public.users (id, email, hashed_password, is_active, is_superuser, tenant_id, roles, permissions)
VALUES ('demo-user', 'demo@example.com', '$2b$12$VWRxHv2nE17idnhsXYO9ze5wxTwsE4sa.OJuszsO.AKc.O/sn0.v.',
        true, false, 'demo-tenant', '["user"]', '["read", "write"]');

INSERT INTO public.agents (id, name, instructions, model, tenant_id, created_by)
VALUES ('demo-agent', 'Demo Assistant',
        'You are a friendly assistant for the Agent Factory demo. Answer briefly and helpfully.',
        'gpt-4o', 'demo-tenant', 'demo-user');

INSERT INTO public.workflows (id, name, definition, tenant_id, created_by)
VALUES ('demo-workflow', 'Demo Workflow',
        '{"steps": [{"id": "greet", "agent_id": "demo-agent", "input_mapping": {"input_text": "$.input"}},
                    {"id": "summarise", "agent_id": "demo-agent", "input_mapping": {"input_text": "$.steps.greet.output"}}]}',
        'demo-tenant', 'demo-user');

INSERT INTO public.blueprints (id, name, description, version, definition, pricing_model, price, publisher_id, is_public)
VALUES ('demo-blueprint', 'Demo Blueprint', 'A greeting assistant and its two-step workflow.', '1.0.0',
        '{"agents": [{"id": "demo-agent", "name": "Demo Assistant", "model": "gpt-4o"}], "workflows": [{"id": "demo-workflow", "steps": 2}]}',
        'free', 0, 'demo-user', true);

INSERT INTO public.executions (id, execution_type, resource_id, status, input_data, output_data, execution_time,
                               tenant_id, created_by, created_at, completed_at)
VALUES ('demo-execution', 'agent', 'demo-agent', 'completed', '{"message": "Hello, world!"}',
        '{"output": "Hello! How can I help you today?"}', 1.5, 'demo-tenant', 'demo-user',
        (now() AT TIME ZONE 'utc') - interval '1 hour',
        (now() AT TIME ZONE 'utc') - interval '1 hour' + interval '1.5 seconds');

INSERT INTO public.projects (id, name, project_type, tenant_id, created_by, config)
VALUES ('demo-project', 'Demo Project', 'saas_app', 'demo-tenant', 'demo-user', '{"theme": "default"}');

-- Kept when another tenant subscribes to it (a reset leaves it then): seeding again reuses it.
INSERT INTO public.plans (id, name, plan_type, price_monthly, price_yearly, currency, features, limits)
VALUES ('demo-plan-pro', 'Pro Plan', 'pro', 29.99, 299.99, 'USD',
        '{"agents": true, "workflows": true, "marketplace": true, "priority_support": true}',
        '{"agents": 50, "workflows": 20, "executions_per_month": 10000}')
ON CONFLICT (id) DO NOTHING;

INSERT INTO public.subscriptions (id, tenant_id, plan_id, status, billing_cycle, current_period_start, current_period_end)
VALUES ('demo-subscription', 'demo-tenant', 'demo-plan-pro', 'active', 'monthly',
        now() AT TIME ZONE 'utc', (now() AT TIME ZONE 'utc') + interval '30 days');
