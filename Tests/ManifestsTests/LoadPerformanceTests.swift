import Foundation
import GitSource
import Manifests
import TestSupport
import Testing

/// 10,000 manifests of every kind load without a false error. How fast they load is measured by
/// benchmarks/run.py (docs/performance.md), not here: a timed assertion in a shared test run
/// measures the machine's load, not the loader.
@Suite struct LoadPerformanceTests {
    static func snapshot(manifests: Int) -> Snapshot {
        var files: [TreeFile] = []
        func add(_ path: String, _ text: String) {
            files.append(TreeFile(path: path, blobID: SHA256.hex(of: text), mode: .file, content: Array(text.utf8)))
        }
        add("src/train.py", "print('train')\n")
        for i in 0..<manifests {
            switch i % 5 {
            case 0:
                add("clusters/c\(i).yml", "name: c\(i)\ntype: amlcompute\nsize: Standard_DS3_v2\nmax_instances: 4\ntags: {team: ml}\n")
            case 1:
                add("envs/e\(i).yml", "name: e\(i)\nversion: \"1\"\nimage: python:3.10-slim\nconda_file: e\(i)-conda.yml\n")
                add("envs/e\(i)-conda.yml", "channels: [conda-forge]\ndependencies:\n  - python=3.10\n  - pip:\n    - numpy==1.26.4\n")
            case 2, 3:
                add("jobs/j\(i).yml", "command: python train.py --lr ${{inputs.lr}}\ncode: ../src\nenvironment: azureml:e\(i - 1 - i % 5 + 1):1\ncompute: azureml:c\(i - i % 5)\ninputs:\n  lr: 0.1\n")
            default:
                add("pipelines/p\(i).yml", """
                    type: pipeline
                    settings: {default_compute: azureml:c\(i - i % 5)}
                    inputs:
                      raw: {type: uri_folder, path: azureml://datastores/blob/paths/raw/}
                    jobs:
                      prep:
                        command: python prep.py --in ${{inputs.raw}} --out ${{outputs.clean}}
                        environment: azureml:e\(i - 3):1
                        code: ../src
                        inputs: {raw: '${{parent.inputs.raw}}'}
                        outputs: {clean: {type: uri_folder}}
                      train:
                        command: python train.py --in ${{inputs.data}}
                        environment: azureml:e\(i - 3):1
                        inputs:
                          data: ${{parent.jobs.prep.outputs.clean}}

                    """)
            }
        }
        return Snapshot(commit: SnapshotFixture.commit, files: files)
    }

    @Test func tenThousandManifests() async throws {
        let state = try await offThePool { ManifestLoader.load(Self.snapshot(manifests: 10_000), path: "") }
        #expect(state.errors.isEmpty, "\(state.errors.prefix(3).map(\.formatted))")
        #expect(state.jobs.count == 6_000 && state.clusters.count == 2_000 && state.environments.count == 2_000)
    }
}
