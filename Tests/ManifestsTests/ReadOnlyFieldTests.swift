import Manifests
import Testing

/// What `az ml ... show` prints can be committed back: the SDK drops read-only fields on load,
/// and so do we (they never reach a hash).
@Suite struct ReadOnlyFieldTests {
    @Test func readOnlyFieldsAreAcceptedAndNotHashed() throws {
        let plain = try load(["job.yml": commandJob])
        let shown = try load(["job.yml": commandJob + "\nstatus: Completed\ncreation_context: {created_by: me}\nid: x\nlog_files: {a: b}\n"])
        #expect(shown.errors.isEmpty, "\(shown.errors)")
        #expect(shown.jobs.first?.hash == plain.jobs.first?.hash)
        let environment = try load(["env.yml": "name: e\nimage: python:3.11\nlatest_version: \"3\"\ncreation_context: {}\n"])
        #expect(environment.errors.isEmpty, "\(environment.errors)")
    }

    @Test func aScheduleOfACommandJobIsRejectedLikeTheSDK() throws {
        let state = try load([
            "s.yml": "name: nightly\ntrigger:\n  type: cron\n  expression: \"0 1 * * *\"\ncreate_job: ./job.yml\n",
            "job.yml": commandJob,
        ])
        let error = try #require(state.diagnostic("Unsupported job type 'CommandJob' in schedule nightly."))
        #expect(error.location.file == "s.yml")
        #expect(error.location.line == 5)
    }
}
