import GRDB

/// The versioned schema of `workspace.sqlite`. Migrations are append-only: a shipped migration
/// is never edited, a later change is a new `vN` registered after the others.
enum WorkspaceSchema {
    /// Every migration, in order. GRDB records the applied ones in `grdb_migrations`, so opening
    /// an existing file runs only those it lacks.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: v1)
        migrator.registerMigration("v2", migrate: v2)
        migrator.registerMigration("v3", migrate: v3)
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

    /// Running what was submitted: job and step lifecycle, events, mini-batches, the nodes and
    /// cores jobs hold, the runners alive, queued environment builds, and schedule clocks.
    private static func v2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE jobs ADD COLUMN reason TEXT;
                ALTER TABLE jobs ADD COLUMN trigger TEXT NOT NULL DEFAULT 'reconcile';
                ALTER TABLE jobs ADD COLUMN started_at DATETIME;
                ALTER TABLE jobs ADD COLUMN ended_at DATETIME;
                ALTER TABLE jobs ADD COLUMN runner TEXT;
                ALTER TABLE jobs ADD COLUMN snapshot TEXT;
                CREATE TABLE job_steps (
                    job TEXT NOT NULL REFERENCES jobs(name) ON DELETE CASCADE,
                    step TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    type TEXT NOT NULL,
                    state TEXT NOT NULL,
                    reason TEXT,
                    compute TEXT,
                    nodes INTEGER NOT NULL DEFAULT 1,
                    attempt INTEGER NOT NULL DEFAULT 0,
                    pid INTEGER,
                    started_at DATETIME,
                    ended_at DATETIME,
                    outputs TEXT NOT NULL DEFAULT '{}',
                    logs TEXT,
                    preempt_requested BOOLEAN NOT NULL DEFAULT 0,
                    PRIMARY KEY (job, step)
                );
                CREATE TABLE job_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job TEXT NOT NULL,
                    step TEXT,
                    state TEXT NOT NULL,
                    reason TEXT,
                    at DATETIME NOT NULL
                );
                CREATE INDEX job_events_by_job ON job_events(job);
                CREATE TABLE mini_batches (
                    job TEXT NOT NULL,
                    step TEXT NOT NULL,
                    batch INTEGER NOT NULL,
                    succeeded BOOLEAN NOT NULL,
                    items INTEGER NOT NULL,
                    rows_returned INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    failures TEXT NOT NULL,
                    rows_file TEXT,
                    finished_at DATETIME NOT NULL,
                    PRIMARY KEY (job, step, batch)
                );
                CREATE TABLE allocations (
                    job TEXT NOT NULL,
                    step TEXT NOT NULL,
                    cluster TEXT,
                    location TEXT NOT NULL,
                    family TEXT NOT NULL,
                    tier TEXT NOT NULL,
                    nodes INTEGER NOT NULL,
                    cores INTEGER NOT NULL,
                    since DATETIME NOT NULL,
                    PRIMARY KEY (job, step)
                );
                CREATE TABLE runners (
                    id TEXT PRIMARY KEY NOT NULL,
                    pid INTEGER NOT NULL,
                    started_at DATETIME NOT NULL,
                    heartbeat_at DATETIME NOT NULL
                );
                ALTER TABLE environment_builds ADD COLUMN definition TEXT;
                ALTER TABLE environment_builds ADD COLUMN runner TEXT;
                ALTER TABLE environment_builds ADD COLUMN finished_at DATETIME;
                CREATE TABLE schedule_clocks (
                    schedule TEXT PRIMARY KEY NOT NULL,
                    hash TEXT NOT NULL,
                    anchor DATETIME NOT NULL,
                    checked_through DATETIME NOT NULL
                );
                CREATE TABLE schedule_runs (
                    schedule TEXT NOT NULL,
                    trigger_at DATETIME NOT NULL,
                    status TEXT NOT NULL,
                    job TEXT,
                    recorded_at DATETIME NOT NULL,
                    PRIMARY KEY (schedule, trigger_at)
                );
                ALTER TABLE schedules ADD COLUMN snapshot TEXT;
                CREATE TABLE step_batch_totals (
                    job TEXT NOT NULL,
                    step TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    PRIMARY KEY (job, step)
                );
                CREATE TABLE job_outputs (
                    job TEXT PRIMARY KEY NOT NULL,
                    outputs TEXT NOT NULL
                );
                """)
    }

    /// A counter of changes to what `observe()` reads, bumped by triggers in the writing
    /// transaction itself (so no writer, the runner included, can forget it): an incremental
    /// plan reuses an earlier plan only while the counter is where it was.
    private static func v3(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE observed_revision (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision INTEGER NOT NULL
                );
                INSERT INTO observed_revision (id, revision) VALUES (1, 0);
                CREATE TRIGGER clusters_insert_revision AFTER INSERT ON clusters BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER clusters_update_revision AFTER UPDATE ON clusters BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER clusters_delete_revision AFTER DELETE ON clusters BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_builds_insert_revision AFTER INSERT ON environment_builds BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_builds_update_revision AFTER UPDATE ON environment_builds BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_builds_delete_revision AFTER DELETE ON environment_builds BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_versions_insert_revision AFTER INSERT ON environment_versions BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_versions_update_revision AFTER UPDATE ON environment_versions BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER environment_versions_delete_revision AFTER DELETE ON environment_versions BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER jobs_insert_revision AFTER INSERT ON jobs BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER jobs_update_revision AFTER UPDATE ON jobs BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER jobs_delete_revision AFTER DELETE ON jobs BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER schedules_insert_revision AFTER INSERT ON schedules BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER schedules_update_revision AFTER UPDATE ON schedules BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER schedules_delete_revision AFTER DELETE ON schedules BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER locks_insert_revision AFTER INSERT ON locks BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER locks_update_revision AFTER UPDATE ON locks BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER locks_delete_revision AFTER DELETE ON locks BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_policies_insert_revision AFTER INSERT ON quota_policies BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_policies_update_revision AFTER UPDATE ON quota_policies BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_policies_delete_revision AFTER DELETE ON quota_policies BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_usage_insert_revision AFTER INSERT ON quota_usage BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_usage_update_revision AFTER UPDATE ON quota_usage BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                CREATE TRIGGER quota_usage_delete_revision AFTER DELETE ON quota_usage BEGIN UPDATE observed_revision SET revision = revision + 1; END;
                """)
    }
}
