-- The database and the two logins of the local stack (docker-compose.yml runs it once, as sa, with sqlcmd):
--
--   aims_risk_migrator  applies the schema scripts (`aims-risk db migrate`): db_ddladmin to create and alter
--                       tables and indexes, db_datareader and db_datawriter for DbUp's journal and data migrations.
--   aims_risk_worker    the worker at run time: role aims_risk_runtime, SELECT, INSERT and UPDATE on schema dbo,
--                       which covers tables added later; no DELETE, no ALTER, no CREATE: it cannot change the
--                       schema or erase the register.
--
-- Passwords come from sqlcmd variables set from the environment. Safe to run again: each step checks first.
-- READ_COMMITTED_SNAPSHOT is turned on here, by an administrator, so the migration login needs no ALTER DATABASE
-- (docs/decisions/0006-migration-lock-and-rcsi.md).

IF DB_ID(N'AimsRisk') IS NULL
    CREATE DATABASE AimsRisk;
GO

IF EXISTS (SELECT 1 FROM sys.databases WHERE name = N'AimsRisk' AND is_read_committed_snapshot_on = 0)
    ALTER DATABASE AimsRisk SET READ_COMMITTED_SNAPSHOT ON WITH ROLLBACK IMMEDIATE;

IF SUSER_ID(N'aims_risk_migrator') IS NULL
    CREATE LOGIN aims_risk_migrator WITH PASSWORD = '$(MigratorPassword)', CHECK_POLICY = ON;

IF SUSER_ID(N'aims_risk_worker') IS NULL
    CREATE LOGIN aims_risk_worker WITH PASSWORD = '$(WorkerPassword)', CHECK_POLICY = ON;
GO

USE AimsRisk;
GO

IF USER_ID(N'aims_risk_migrator') IS NULL
    CREATE USER aims_risk_migrator FOR LOGIN aims_risk_migrator;

IF USER_ID(N'aims_risk_worker') IS NULL
    CREATE USER aims_risk_worker FOR LOGIN aims_risk_worker;

ALTER ROLE db_ddladmin ADD MEMBER aims_risk_migrator;
ALTER ROLE db_datareader ADD MEMBER aims_risk_migrator;
ALTER ROLE db_datawriter ADD MEMBER aims_risk_migrator;

IF DATABASE_PRINCIPAL_ID(N'aims_risk_runtime') IS NULL
    CREATE ROLE aims_risk_runtime;

GRANT SELECT, INSERT, UPDATE ON SCHEMA::dbo TO aims_risk_runtime;
ALTER ROLE aims_risk_runtime ADD MEMBER aims_risk_worker;
GO
