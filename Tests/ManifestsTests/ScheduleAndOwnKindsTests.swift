import Manifests
import Testing

@Suite struct ScheduleTests {
    static let job = "type: pipeline\nsettings:\n  default_compute: serverless\njobs:\n  a:\n    command: echo hi\n    environment: azureml:e:1\n"

    @Test func aJobFileUnderThePathIsAlsoAJob() throws {
        let state = try load([
            "ml/schedules/nightly.yml": "name: nightly\ntrigger:\n  type: cron\n  expression: \"30 1 * * *\"\ncreate_job: ./job.yml\n",
            "ml/schedules/job.yml": Self.job,
        ], path: "ml")
        #expect(state.errors.isEmpty)
        #expect(state.jobs.map(\.name) == ["schedules-job"])
        let schedule = try #require(state.schedules.first)
        #expect(schedule.trigger == .cron(expression: "30 1 * * *", timeZone: "UTC", startTime: nil, endTime: nil))
        #expect(schedule.job?.hash == state.jobs.first?.hash, "the schedule creates the same definition")
    }

    @Test func aTemplateOutsideThePathIsOnlyTheSchedulesJob() throws {
        let state = try load([
            "ml/nightly.yml": "name: nightly\ntrigger:\n  type: cron\n  expression: \"30 1 * * *\"\ncreate_job: ../templates/job.yml\n",
            "templates/job.yml": Self.job,
        ], path: "ml")
        #expect(state.errors.isEmpty)
        #expect(state.jobs.isEmpty)
        #expect(state.schedules.first?.job != nil)
    }

    @Test func recurrenceAndExistingJob() throws {
        let state = try load([
            "s.yml": "name: weekly\ntrigger:\n  type: recurrence\n  frequency: Week\n  interval: 1\n  schedule:\n    hours: 4\n    minutes: [0, 30]\n    week_days: [monday]\ncreate_job: azureml:existing-job\n",
        ])
        #expect(state.errors.isEmpty, "\(state.errors.map(\.formatted))")
        let schedule = try #require(state.schedules.first)
        #expect(schedule.sourceJob == "existing-job")
        #expect(schedule.trigger == .recurrence(frequency: "week", interval: 1, hours: [4], minutes: [0, 30], weekDays: ["monday"],
                                                monthDays: [], timeZone: "UTC", startTime: nil, endTime: nil))
    }

    @Test func missingJobFileAndBadCron() throws {
        let state = try load(["s.yml": "name: s\ntrigger:\n  type: cron\n  expression: \"* * *\"\ncreate_job: ./nope.yml\n"])
        #expect(state.diagnostic("No such file or directory")?.field == "create_job")
        #expect(state.diagnostic("5 fields")?.field == "trigger.expression")
    }
}

@Suite struct OwnKindsTests {
    @Test func quotaPolicy() throws {
        let state = try load([
            "q.yml": """
                type: quota_policy
                name: westeurope-quota
                location: westeurope
                scope: workspace
                max_nodes_per_cluster: 100
                limits:
                  total_dedicated_cores: 400
                  families:
                    - family: standardNCSv3Family
                      dedicated_cores: 48
                      low_priority_cores: 96

                """,
        ])
        #expect(state.errors.isEmpty)
        let policy = try #require(state.quotaPolicies.first)
        #expect(policy.totalDedicatedCores == 400)
        #expect(policy.families == [FamilyQuota(family: "standardNCSv3Family", dedicatedCores: 48, lowPriorityCores: 96)])
    }

    @Test func quotaPolicyUnknownKeyIsAnError() throws {
        let state = try load(["q.yml": "type: quota_policy\nname: q\nlocation: westeurope\nmax_nodes: 5\n"])
        #expect(state.diagnostic("unknown field `max_nodes`")?.location.line == 4)
        #expect(state.quotaPolicies.count == 1)
    }

    @Test func resourceLock() throws {
        let state = try load(["l.yml": "type: resource_lock\nname: protect-gpu\nlevel: CanNotDelete\nscope: compute/gpu-cluster\nnotes: why\n"])
        #expect(state.errors.isEmpty)
        #expect(state.locks.first?.scope == .resource(ResourceID(.compute, "gpu-cluster")))
        let bad = try load(["l.yml": "type: resource_lock\nname: l\nlevel: Delete\nscope: cluster/x\nowner: me\n"])
        #expect(bad.diagnostics.contains { $0.field == "level" && $0.severity == .error })
        #expect(bad.diagnostics.contains { $0.field == "scope" && $0.severity == .error })
        #expect(bad.diagnostics.contains { $0.field == "owner" && $0.severity == .error })
    }
}

@Suite struct ClassificationTests {
    @Test func otherKindsAreIgnoredWithAWarning() throws {
        let state = try load([
            "endpoint.yml": "$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ep\nauth_mode: key\n",
            "sweep.yml": "type: sweep\ntrial: ./t.yml\n",
            "random.yml": "foo: bar\n",
            "conda.yml": "name: c\nchannels: [conda-forge]\ndependencies: [python=3.10]\n",
        ])
        #expect(state.errors.isEmpty)
        #expect(state.warnings.count == 3)
        #expect(state.warnings.filter { $0.message.contains("not a kind mlgitops reconciles") }.count == 2)
        #expect(state.diagnostics.allSatisfy { $0.location.file != "conda.yml" })
    }

    @Test func loadsOnlyUnderThePath() throws {
        let state = try load(["ml/c.yml": cluster("a"), "other/c.yml": cluster("b")], path: "./ml/")
        #expect(state.clusters.map(\.name) == ["a"])
    }

    @Test func vocabularyListsTopLevelKeys() {
        #expect(ManifestVocabulary.topLevelKeys(of: "compute").contains("max_instances"))
        #expect(ManifestVocabulary.topLevelKeys(of: "pipeline").isSuperset(of: ["jobs", "settings", "inputs", "outputs"]))
        #expect(ManifestVocabulary.topLevelKeys(of: "resource_lock") == ["$schema", "type", "name", "level", "scope", "notes"])
        #expect(ManifestVocabulary.topLevelKeys(of: "unknown").isEmpty)
        for kind in ["compute", "environment", "command", "pipeline", "schedule", "quota_policy", "resource_lock"] {
            #expect(ManifestVocabulary.topLevelKeys(of: kind).isSuperset(of: ["$schema", "name"]), "\(kind)")
        }
    }
}
