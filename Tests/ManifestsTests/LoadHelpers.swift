import GitSource
import Manifests
import TestSupport

/// Commits `files` to a scratch repository and loads `path` of that commit.
func load(_ files: [String: String], path: String = "", function: String = #function) throws -> DesiredState {
    let (_, snapshot) = try SnapshotFixture.repository(files, function: function)
    return ManifestLoader.load(snapshot, path: path)
}

extension DesiredState {
    /// The first diagnostic whose message contains `text`.
    func diagnostic(_ text: String) -> Diagnostic? { diagnostics.first { $0.message.contains(text) } }
}

/// A minimal valid command job body, for tests that vary one field.
let commandJob = """
    command: python train.py
    environment: azureml:train-env:1
    """

/// A cluster with a given name.
func cluster(_ name: String) -> String {
    "$schema: https://azuremlschemas.azureedge.net/latest/amlCompute.schema.json\nname: \(name)\ntype: amlcompute\n"
}
