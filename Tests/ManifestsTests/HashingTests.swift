import GitSource
import Manifests
import Testing
import TestSupport

/// Environment and job hashes change exactly when what would be built or run changes.
@Suite struct HashingTests {
    static let conda = "name: train\nchannels: [conda-forge]\ndependencies:\n  - python=3.10\n  - pip:\n    - numpy==1.26.4\n    - pandas==2.2.2\n"
    static let environment = "name: train-env\nversion: \"1\"\ndescription: Training\nimage: python:3.10\nconda_file: conda.yml\n"
    static let files: [String: String] = [
        "envs/train.yml": environment,
        "envs/conda.yml": conda,
        "jobs/a.yml": "command: python a.py\ncode: ../src\nenvironment: azureml:train-env@latest\n",
        "jobs/b.yml": "type: pipeline\nsettings: {default_compute: serverless}\njobs:\n  step:\n    command: python b.py\n    environment: azureml:train-env:1\n",
        "jobs/other.yml": "command: python c.py\nenvironment: azureml:curated-env:3\n",
        "src/a.py": "print('a')\n",
    ]

    /// Loads `files`, then the same with `change` applied, in one repository (two commits).
    func states(_ change: (inout [String: String]) -> Void) throws -> (DesiredState, DesiredState) {
        let repository = try ScratchRepository()
        for (path, content) in Self.files { try repository.write(path, content) }
        let before = ManifestLoader.load(try SnapshotFixture.commit(repository), path: "")
        var changed = Self.files
        change(&changed)
        for (path, content) in changed where Self.files[path] != content { try repository.write(path, content) }
        let after = ManifestLoader.load(try SnapshotFixture.commit(repository), path: "")
        #expect(before.errors.isEmpty && after.errors.isEmpty, "\(before.errors.map(\.formatted)) \(after.errors.map(\.formatted))")
        return (before, after)
    }

    func job(_ state: DesiredState, _ name: String) -> Job? { state.jobs.first { $0.name == name } }

    @Test func reorderingTwoPipPackagesIsANewEnvironment() throws {
        let (before, after) = try states { files in
            files["envs/conda.yml"] = "name: train\nchannels: [conda-forge]\ndependencies:\n  - python=3.10\n  - pip:\n    - pandas==2.2.2\n    - numpy==1.26.4\n"
        }
        #expect(before.environments[0].hash != after.environments[0].hash)
    }

    @Test func descriptionVersionAndCondaNameDoNotChangeTheHash() throws {
        let (before, after) = try states { files in
            files["envs/train.yml"] = "name: train-env\nversion: \"2\"\ndescription: Renamed\ntags: {a: b}\nimage: python:3.10\nconda_file: conda.yml\n"
            files["envs/conda.yml"] = Self.conda.replacingOccurrences(of: "name: train", with: "name: other")
        }
        #expect(before.environments[0].hash == after.environments[0].hash)
    }

    @Test func changingTheCondaFileChangesTheEnvironmentAndEveryJobUsingIt() throws {
        let (before, after) = try states { files in
            files["envs/conda.yml"] = Self.conda.replacingOccurrences(of: "numpy==1.26.4", with: "numpy==2.0.0")
        }
        #expect(before.environments[0].hash != after.environments[0].hash)
        #expect(job(before, "jobs-a")?.hash != job(after, "jobs-a")?.hash)
        #expect(job(before, "jobs-b")?.hash != job(after, "jobs-b")?.hash)
        #expect(job(before, "jobs-other")?.hash == job(after, "jobs-other")?.hash)
        #expect(job(after, "jobs-a")?.environmentDependencies == ["train-env"])
        #expect(job(after, "jobs-b")?.environmentDependencies == ["train-env"])
        #expect(job(after, "jobs-other")?.environmentDependencies == [])
    }

    @Test func changingCommittedCodeChangesTheJobHash() throws {
        let (before, after) = try states { files in files["src/a.py"] = "print('changed')\n" }
        #expect(job(before, "jobs-a")?.hash != job(after, "jobs-a")?.hash)
        #expect(job(before, "jobs-b")?.hash == job(after, "jobs-b")?.hash)
    }

    @Test func descriptiveFieldsDoNotChangeTheJobHash() throws {
        let (before, after) = try states { files in
            files["jobs/other.yml"] = "display_name: Other\ndescription: d\nexperiment_name: e\ntags: {t: v}\n" + Self.files["jobs/other.yml"]!
        }
        #expect(job(before, "jobs-other")?.hash == job(after, "jobs-other")?.hash)
    }

    @Test func formattingDoesNotChangeTheJobHashButTheCommandDoes() throws {
        let (before, after) = try states { files in
            files["jobs/other.yml"] = "# a comment\nenvironment:   \"azureml:curated-env:3\"\ncommand: 'python c.py'\n"
        }
        #expect(job(before, "jobs-other")?.hash == job(after, "jobs-other")?.hash)
        let (_, changed) = try states { files in files["jobs/other.yml"] = "command: python d.py\nenvironment: azureml:curated-env:3\n" }
        #expect(job(before, "jobs-other")?.hash != job(changed, "jobs-other")?.hash)
    }
}
