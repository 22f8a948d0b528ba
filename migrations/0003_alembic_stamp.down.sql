-- Removes the Alembic stamp; the platform's tooling then sees an unversioned database.

DROP TABLE public.alembic_version;
