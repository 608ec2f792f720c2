import GRDB

/// The versioned schema of `workspace.sqlite`. Migrations are append-only: a shipped migration
/// is never edited, a later change is a new `vN` registered after the others.
enum WorkspaceSchema {
    /// Every migration, in order. GRDB records the applied ones in `grdb_migrations`, so opening
    /// an existing file runs only those it lacks.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        return migrator
    }

    /// Resources, environment builds and the operations journal. Codable values are JSON text.
    private static func v1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE clusters (
                    name TEXT PRIMARY KEY NOT NULL,
                    spec TEXT NOT NULL,
                    tags TEXT NOT NULL,
                    provisioning_state TEXT NOT NULL,
                    created_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE TABLE environment_builds (
                    build_id TEXT PRIMARY KEY NOT NULL,
                    hash TEXT NOT NULL UNIQUE,
                    state TEXT NOT NULL,
                    log TEXT NOT NULL,
                    created_at DATETIME NOT NULL
                );
                CREATE TABLE environment_versions (
                    name TEXT NOT NULL,
                    version TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    build_id TEXT REFERENCES environment_builds(build_id),
                    created_at DATETIME NOT NULL,
                    PRIMARY KEY (name, version)
                );
                CREATE TABLE jobs (
                    name TEXT PRIMARY KEY NOT NULL,
                    logical_name TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    spec TEXT NOT NULL,
                    state TEXT NOT NULL,
                    clusters TEXT NOT NULL,
                    submitted_at DATETIME NOT NULL,
                    updated_at DATETIME NOT NULL
                );
                CREATE INDEX jobs_by_logical_name ON jobs(logical_name);
                CREATE TABLE schedules (
                    name TEXT PRIMARY KEY NOT NULL,
                    hash TEXT NOT NULL,
                    definition TEXT NOT NULL,
                    enabled BOOLEAN NOT NULL DEFAULT 1
                );
                CREATE TABLE locks (
                    name TEXT PRIMARY KEY NOT NULL,
                    level TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    notes TEXT
                );
                CREATE TABLE quota_policies (
                    name TEXT PRIMARY KEY NOT NULL,
                    definition TEXT NOT NULL
                );
                CREATE TABLE quota_usage (
                    location TEXT NOT NULL,
                    family TEXT NOT NULL,
                    tier TEXT NOT NULL,
                    cores INTEGER NOT NULL,
                    PRIMARY KEY (location, family, tier)
                );
                CREATE TABLE operations (
                    idempotency_key TEXT PRIMARY KEY NOT NULL,
                    fingerprint TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    message TEXT NOT NULL,
                    performed_at DATETIME NOT NULL
                );
                CREATE INDEX operations_by_resource ON operations(resource);
                """)
    }
}
