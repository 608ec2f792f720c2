import GitSource
@testable import Manifests
import Testing

/// Manifests are read on every core and claimed in file order (LoadSession+Workers): a load
/// must give exactly what a load on one thread gives, diagnostics in the same order included,
/// on a repository with errors in many files, names claimed twice, and conda and component
/// files read (and reported) through many manifests.
@Suite struct ParallelLoadTests {
    static func snapshot() -> Snapshot {
        var files: [TreeFile] = []
        func add(_ path: String, _ text: String) {
            files.append(TreeFile(path: path, blobID: SHA256.hex(of: path + text), mode: .file, content: Array(text.utf8)))
        }
        add("src/train.py", "print('train')\n")
        // Broken twice: reported once per load, by whichever environment or job reads it first.
        add("ml/conda/shared.yml", "channels: conda-forge\ndependencies:\n  - python=3.10\n  - numpy\n")
        add("ml/conda/good.yml", "channels: [conda-forge]\ndependencies:\n  - python=3.10\n")
        add("ml/components/comp.yml", """
            $schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
            type: command
            bogus: 1
            inputs:
              data: {type: uri_folder}
            command: python train.py --in ${{inputs.data}} --lr ${{inputs.missing}}
            environment: azureml:e1:1
            code: ../../src

            """)
        add("ml/broken.yml", "name: [unclosed\n")
        for i in 0..<12 {
            add("ml/clusters/c\(i).yml", "name: c\(i)\ntype: amlcompute\nmax_instances: \(i % 4 == 0 ? "many" : "4")\n")
        }
        add("ml/clusters/z-dup.yml", "name: c3\ntype: amlcompute\n")
        for i in 0..<30 {
            let conda = i % 3 == 0 ? "../conda/shared.yml" : "../conda/good.yml"
            add("ml/environments/e\(i).yml", "name: e\(i)\nversion: \"1\"\nimage: python:3.10-slim\nconda_file: \(conda)\n")
        }
        for i in 0..<30 {
            add("ml/pipelines/p\(i).yml", """
                type: pipeline
                settings: {default_compute: azureml:c\(i % 12)}
                inputs:
                  raw: {type: uri_folder, path: azureml://datastores/blob/paths/raw/}
                jobs:
                  train:
                    component: ../components/comp.yml
                    inputs: {data: '${{parent.inputs.raw}}'}
                  score:
                    command: python score.py --in ${{inputs.data}}
                    environment: azureml:e\(i % 30):1
                    code: ../../src
                    inputs: {data: '${{parent.jobs.trian.outputs.model}}'}

                """)
        }
        for i in 0..<60 {
            var text = "command: python train.py\ncode: ../../src\ncompute: azureml:c\(i % 12)\n"
            if i % 4 == 0 {
                text += "environment:\n  image: python:3.10-slim\n  conda_file: ../conda/shared.yml\n"
            } else {
                text += "environment: azureml:e\(i % 30):1\n"
            }
            if i % 7 == 0 { text += "bad_field: x\n" }
            if i == 5 || i == 55 { text += "name: same-name\n" }
            if i % 11 == 0 { text += "inputs:\n  data: {type: uri_folder, path: ../../missing}\n" }
            add("ml/jobs/j\(i).yml", text)
        }
        return Snapshot(commit: CommitInfo(sha: String(repeating: "1", count: 40), authorName: "t", authorEmail: "t@example.com",
                                           time: .init(timeIntervalSince1970: 0), message: "t"), files: files)
    }

    @Test func aParallelLoadIsTheSerialLoad() throws {
        let snapshot = Self.snapshot()
        let serial = LoadWorkers.$limit.withValue(1) { ManifestLoader.load(snapshot, path: "ml") }
        let parallel = ManifestLoader.load(snapshot, path: "ml")
        // The repository is as broken as intended, in many files.
        #expect(Set(serial.diagnostics.map(\.location.file)).count >= 10)
        #expect(serial.diagnostic("duplicate job name `same-name`") != nil)
        #expect(serial.diagnostic("duplicate compute name `c3`") != nil)
        #expect(!serial.diagnostics.filter { $0.location.file == "ml/conda/shared.yml" }.isEmpty)
        #expect(serial.jobs.count > 50 && serial.environments.count == 30)

        #expect(parallel.diagnostics == serial.diagnostics)
        #expect(parallel.jobs == serial.jobs)
        #expect(parallel.clusters == serial.clusters)
        #expect(parallel.environments == serial.environments)
        #expect(parallel.schedules == serial.schedules)
        #expect(parallel.quotaPolicies == serial.quotaPolicies)
        #expect(parallel.locks == serial.locks)
    }

    /// The record of a load (what each manifest read, declared and reported: an incremental
    /// plan's baseline) is the serial one too, conda reports attributed to the first reader.
    @Test func aParallelRecordIsTheSerialRecord() throws {
        let snapshot = Self.snapshot()
        let serial = LoadWorkers.$limit.withValue(1) { ManifestLoader.loadRecorded(snapshot, path: "ml") }
        let parallel = ManifestLoader.loadRecorded(snapshot, path: "ml")
        #expect(parallel.state.diagnostics == serial.state.diagnostics)
        #expect(parallel.record.files == serial.record.files)
        #expect(parallel.record.index == serial.record.index)
        let reporters = serial.record.files.filter { $0.value.diagnostics.contains { $0.location.file == "ml/conda/shared.yml" } }
        #expect(reporters.count == 1)
    }
}
