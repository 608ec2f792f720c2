import Manifests
import Testing

@Suite struct EnvironmentTests {
    static let conda = """
        name: train
        channels: [conda-forge]
        dependencies:
          - python=3.10
          - pip
          - pip:
            - scikit-learn==1.3.0
            - mlflow==2.9.2

        """

    static func environment(_ extra: String = "") -> String {
        "name: train-env\nversion: \"1\"\nimage: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:20240908.v1\nconda_file: ./conda.yml\n" + extra
    }

    @Test func readsImageAndConda() throws {
        let state = try load(["envs/train.yml": Self.environment(), "envs/conda.yml": Self.conda])
        #expect(state.errors.isEmpty)
        let environment = try #require(state.environments.first)
        #expect(environment.name == "train-env")
        #expect(environment.version == "1")
        #expect(environment.definition.conda?.file == "envs/conda.yml")
        #expect(environment.definition.conda?.pipPackages == ["scikit-learn==1.3.0", "mlflow==2.9.2"])
        #expect(environment.definition.conda?.channels == ["conda-forge"])
        #expect(environment.hash.hex.count == 64)
    }

    @Test func reservedNamesAreRejected() throws {
        for name in ["AzureML-sklearn", "azureml-mine", "Microsoft.Custom", "microsoftish"] {
            let state = try load(["e.yml": "name: \(name)\nimage: python:3.10\n"])
            let diagnostic = try #require(state.diagnostic("reserved"), "\(name)")
            #expect(diagnostic.severity == .error)
            #expect(diagnostic.field == "name")
            #expect(diagnostic.location.line == 1 && diagnostic.location.column == 7)
        }
    }

    @Test func exactlyOneOfImageOrBuild() throws {
        let both = try load(["e.yml": "name: e\nimage: python:3.10\nbuild:\n  path: ./ctx\n", "ctx/Dockerfile": "FROM python:3.10\n"])
        #expect(both.diagnostic("not both")?.severity == .error)
        let neither = try load(["e.yml": "$schema: https://azuremlschemas.azureedge.net/latest/environment.schema.json\nname: e\n"])
        #expect(neither.diagnostic("is required for environments")?.severity == .error)
    }

    @Test func missingCondaFileIsAnError() throws {
        let state = try load(["envs/train.yml": Self.environment()])
        let diagnostic = try #require(state.diagnostics.first { $0.field == "conda_file" })
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.message.contains("envs/conda.yml"))
        #expect(diagnostic.location == SourceLocation(file: "envs/train.yml", line: 4, column: 13))
    }

    @Test func condaErrorsAreLocatedInTheCondaFile() throws {
        let state = try load(["envs/train.yml": Self.environment(), "envs/conda.yml": "channels: [conda-forge\n"])
        let diagnostic = try #require(state.diagnostic("conda file is not valid YAML"))
        #expect(diagnostic.location.file == "envs/conda.yml")
        #expect(diagnostic.severity == .error)
    }

    @Test func condaKeysAtTopLevelBelongInTheCondaFile() throws {
        let state = try load(["e.yml": "name: e\nimage: python:3.10\ndependencies: [numpy]\n"])
        #expect(state.diagnostic("belongs in the conda file")?.location.line == 3)
    }

    @Test func latestOrUntaggedImagesAndUnpinnedPackagesWarn() throws {
        let latest = try load(["e.yml": "name: e\nimage: python:latest\n"])
        #expect(latest.errors.isEmpty)
        #expect(latest.warnings.first?.message.contains("tagged `latest`") == true)
        let untagged = try load(["e.yml": "name: e\nimage: myregistry.azurecr.io/train\n"])
        #expect(untagged.warnings.first?.message.contains("no tag") == true)
        let unpinned = try load([
            "e.yml": "name: e\nimage: python:3.10\nconda_file: c.yml\n",
            "c.yml": "dependencies:\n  - numpy\n  - python=3.10\n  - pip:\n    - pandas>=2\n    - mlflow==2.9.2\n",
        ])
        let warning = try #require(unpinned.diagnostic("unpinned"))
        #expect(warning.location.file == "c.yml")
        #expect(warning.message.contains("`numpy`") && warning.message.contains("`pandas>=2`"))
        #expect(!warning.message.contains("mlflow") && !warning.message.contains("python"))
    }

    @Test func buildContextMustBeCommittedInsideTheRepository() throws {
        let missing = try load(["e.yml": "name: e\nbuild:\n  path: ./docker\n"])
        #expect(missing.diagnostics.first { $0.field == "build.path" }?.severity == .error)
        let escaping = try load(["e.yml": "name: e\nbuild:\n  path: ../../outside\n"])
        #expect(escaping.diagnostic("outside the repository")?.field == "build.path")
        let good = try load(["e.yml": "name: e\nbuild:\n  path: ./docker\n", "docker/Dockerfile": "FROM python:3.10\n"])
        #expect(good.errors.isEmpty)
        #expect(good.environments.first?.definition.build?.path == "docker")
    }
}
