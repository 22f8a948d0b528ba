-- Marks the database as being at the platform's Alembic head (`alembic stamp head`), so the
-- platform's own migration tooling finds nothing to do and never runs its broken revisions.

CREATE TABLE IF NOT EXISTS public.alembic_version (
    version_num varchar(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
DELETE FROM public.alembic_version WHERE version_num <> '003';
INSERT INTO public.alembic_version (version_num) VALUES ('003') ON CONFLICT DO NOTHING;
