import Manifests
import Testing

@Suite struct CommandJobTests {
    @Test func readsACommandJobWithCode() throws {
        let state = try load([
            "jobs/train.yml": commandJob + "\ncode: ../src\ncompute: azureml:cpu\ninputs:\n  lr: 0.1\n",
            "src/train.py": "print('hi')\n",
        ])
        #expect(state.errors.isEmpty)
        let job = try #require(state.jobs.first)
        #expect(job.name == "jobs-train")
        guard case .command(let task) = job.spec else { Issue.record("not a command"); return }
        #expect(task.compute == .cluster("cpu"))
        #expect(task.inputs["lr"] == .literal("0.1"))
        guard case .repository(let path, _)? = task.code else { Issue.record("code not resolved"); return }
        #expect(path == "src")
        #expect(task.environment == .named(name: "train-env", version: "1"))
    }

    @Test func missingCodeFolderIsAnErrorAtTheField() throws {
        let state = try load(["job.yml": commandJob + "\ncode: ./src\n"])
        let diagnostic = try #require(state.diagnostics.first { $0.field == "code" })
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location == SourceLocation(file: "job.yml", line: 3, column: 7))
        #expect(diagnostic.fix != nil)
    }

    @Test func pathEscapingTheRepositoryIsAnError() throws {
        let state = try load(["job.yml": commandJob + "\ncode: ../../elsewhere\n"])
        #expect(state.diagnostic("outside the repository")?.field == "code")
    }

    @Test func commandBindingsMustNameDeclaredPorts() throws {
        let state = try load([
            "job.yml": "command: python t.py --x ${{inputs.x}} --out ${{outputs.model}} $[[--opt ${{inputs.maybe}}]]\nenvironment: azureml:e:1\n",
        ])
        #expect(state.diagnostic("does not contain 'x'")?.field == "command")
        #expect(state.diagnostic("'model'") != nil)
        #expect(state.diagnostic("maybe") == nil, "an optional block may name an input left out")
    }

    @Test func environmentIsRequiredAndMustBeAReference() throws {
        let missing = try load(["job.yml": "command: echo hi\n"])
        #expect(missing.diagnostics.contains { $0.field == "environment" && $0.severity == .error })
        let bare = try load(["job.yml": "command: echo hi\nenvironment: train-env:1\n"])
        #expect(bare.diagnostic("must be an `azureml:` reference")?.severity == .error)
    }

    @Test func localInputDataMustExistAndInputsNeedAPath() throws {
        let state = try load([
            "job.yml": commandJob + "\ninputs:\n  data:\n    type: uri_folder\n    path: ./data\n  empty:\n    type: uri_file\n",
        ])
        #expect(state.diagnostic("No such file or directory")?.field == "inputs.data.path")
        #expect(state.diagnostic("Input path can't be empty for jobs.")?.field == "inputs.empty.path")
    }

    @Test func unnamedJobsInDifferentFoldersGetDistinctNames() throws {
        let state = try load(["a/job.yml": commandJob, "b/job.yml": commandJob, "c/named.yml": "name: fixed\n" + commandJob])
        #expect(state.errors.isEmpty)
        #expect(state.jobs.map(\.name) == ["a-job", "b-job", "fixed"])
    }

    @Test func duplicateNamesNameTheFirstFile() throws {
        let state = try load(["a.yml": "name: train\n" + commandJob, "b.yml": "name: train\n" + commandJob])
        let diagnostic = try #require(state.diagnostic("duplicate job name `train`"))
        #expect(diagnostic.location.file == "b.yml")
        #expect(diagnostic.message.contains("a.yml:1:7"))
        #expect(state.jobs.count == 1)
    }

    @Test func standaloneParallelIsUnsupported() throws {
        let state = try load(["p.yml": "type: parallel\ninput_data: ${{inputs.x}}\n"])
        let diagnostic = try #require(state.diagnostic("Unsupported job type: parallel."))
        #expect(diagnostic.severity == .error)
        #expect(diagnostic.location.line == 1)
        #expect(diagnostic.fix?.contains("pipeline") == true)
    }
}
