import Manifests
import Testing

@Suite struct PipelineTests {
    static let pipeline = """
        type: pipeline
        settings:
          default_compute: azureml:cpu
        inputs:
          raw: {type: uri_folder, path: azureml://datastores/blob/paths/raw/}
          threshold: 0.5
        outputs:
          scored: {type: uri_folder, mode: rw_mount}
        jobs:
          prep:
            command: python prep.py --in ${{inputs.raw}} --out ${{outputs.clean}}
            environment: azureml:train-env:1
            inputs:
              raw: ${{parent.inputs.raw}}
            outputs:
              clean: {type: mltable}
          score:
            type: parallel
            inputs:
              data:
                type: mltable
                path: ${{parent.jobs.prep.outputs.clean}}
                mode: direct
            outputs:
              preds: ${{parent.outputs.scored}}
            input_data: ${{inputs.data}}
            mini_batch_size: "5mb"
            logging_level: INFO
            task:
              type: run_function
              code: ../src
              entry_script: score.py
              environment: azureml:train-env:1
              append_row_to: ${{outputs.preds}}

        """

    static let source = ["src/score.py": "def run(b): return b\n"]

    func loadPipeline(_ text: String = pipeline, extra: [String: String] = [:]) throws -> DesiredState {
        try load(["pipelines/nightly.yml": text].merging(Self.source) { a, _ in a }.merging(extra) { a, _ in a })
    }

    @Test func readsStepsAndOrdersThemByBindings() throws {
        let state = try loadPipeline()
        #expect(state.errors.isEmpty, "\(state.errors.map(\.formatted))")
        let job = try #require(state.jobs.first)
        guard case .pipeline(let pipeline) = job.spec else { Issue.record("not a pipeline"); return }
        #expect(pipeline.defaultCompute == .cluster("cpu"))
        #expect(pipeline.steps.map(\.name) == ["prep", "score"])
        #expect(pipeline.steps[1].dependsOn == ["prep"])
        guard case .parallel(let task) = pipeline.steps[1].body else { Issue.record("not parallel"); return }
        #expect(task.miniBatchSize == .bytes(5 * 1024 * 1024))
        #expect(task.entryScript == "score.py")
        #expect(task.maxRetries == 2 && task.retryTimeout == 60)
    }

    @Test func unresolvedParentInputBindingIsAnError() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "raw: ${{parent.inputs.raw}}", with: "raw: ${{parent.inputs.nope}}"))
        let diagnostic = try #require(state.diagnostic("Failed to find top level definition for input binding ${{parent.inputs.nope}}."))
        #expect(diagnostic.field == "jobs.prep.inputs.raw")
        #expect(diagnostic.location.line == 14)
    }

    @Test func bindingToAMissingStepOrOutputIsAnError() throws {
        let missingStep = try loadPipeline(Self.pipeline.replacingOccurrences(of: "parent.jobs.prep.outputs.clean", with: "parent.jobs.prepp.outputs.clean"))
        #expect(missingStep.diagnostic("Failed to find referenced source for input binding ${{parent.jobs.prepp.outputs.clean}}") != nil)
        let missingOutput = try loadPipeline(Self.pipeline.replacingOccurrences(of: "parent.jobs.prep.outputs.clean", with: "parent.jobs.prep.outputs.dirty"))
        #expect(missingOutput.diagnostic("${{parent.jobs.prep.outputs.dirty}}")?.severity == .error)
        let missingParentOutput = try loadPipeline(Self.pipeline.replacingOccurrences(of: "${{parent.outputs.scored}}", with: "${{parent.outputs.nope}}"))
        #expect(missingParentOutput.diagnostic("output binding ${{parent.outputs.nope}}") != nil)
    }

    @Test func stepPortBindingsMustResolve() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "append_row_to: ${{outputs.preds}}", with: "append_row_to: ${{outputs.predz}}"))
        #expect(state.diagnostic("'predz'")?.field == "jobs.score.task.append_row_to")
        let command = try loadPipeline(Self.pipeline.replacingOccurrences(of: "--in ${{inputs.raw}}", with: "--in ${{inputs.rae}}"))
        #expect(command.diagnostic("'rae'")?.field == "jobs.prep.command")
    }

    @Test func stepNamesMustBeLowercaseIdentifiers() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "  prep:", with: "  Prep-1:").replacingOccurrences(of: "jobs.prep.", with: "jobs.Prep-1."))
        let diagnostic = try #require(state.diagnostic("Pipeline node name should be a valid python identifier"))
        #expect(diagnostic.field == "jobs.Prep-1")
        #expect(diagnostic.location.line == 10 && diagnostic.location.column == 3)
    }

    @Test func defaultComputeNeedsTheAzuremlPrefix() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "default_compute: azureml:cpu", with: "default_compute: cpu"))
        #expect(state.diagnostic("not in set ['serverless']")?.field == "settings.default_compute")
        let serverless = try loadPipeline(Self.pipeline.replacingOccurrences(of: "default_compute: azureml:cpu", with: "default_compute: serverless"))
        #expect(serverless.errors.isEmpty)
    }

    @Test func parallelLoggingLevelIsCaseSensitive() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "logging_level: INFO", with: "logging_level: info"))
        let diagnostic = try #require(state.diagnostics.first { $0.field == "jobs.score.logging_level" })
        #expect(diagnostic.message.contains("case-sensitive"))
    }

    @Test func miniBatchSizeFollowsTheSDKPattern() throws {
        let state = try loadPipeline(Self.pipeline.replacingOccurrences(of: "\"5mb\"", with: "\"5 megabytes\""))
        #expect(state.diagnostic("mini_batch_size must follow regex")?.severity == .error)
    }

    @Test func inlineStepsRejectUnknownKeysButComponentStepsPassThem() throws {
        let inline = try loadPipeline(Self.pipeline.replacingOccurrences(of: "    input_data:", with: "    bogus: 1\n    input_data:"))
        #expect(inline.diagnostic("unknown field `bogus`")?.field == "jobs.score.bogus")
        let component = """
            $schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
            name: train_component
            type: command
            inputs:
              data: {type: uri_folder}
              epochs: {type: integer, default: 3}
            outputs:
              model: {type: uri_folder}
            command: python train.py --data ${{inputs.data}} --epochs ${{inputs.epochs}} --model ${{outputs.model}}
            environment: azureml:train-env:1

            """
        let pipeline = """
            type: pipeline
            compute: azureml:cpu
            jobs:
              train:
                component: ./train.yml
                anything_goes: true
                inputs:
                  data: {type: uri_folder, path: azureml://datastores/blob/paths/x/}
              evaluate:
                component: ./train.yml
                inputs:
                  data: ${{parent.jobs.train.outputs.model}}

            """
        let state = try load(["p/pipeline.yml": pipeline, "p/train.yml": component])
        #expect(state.errors.isEmpty, "\(state.errors.map(\.formatted))")
        #expect(state.warnings.isEmpty, "the component file is recognised: \(state.warnings.map(\.formatted))")
        guard case .pipeline(let spec)? = state.jobs.first?.spec else { Issue.record("no pipeline"); return }
        #expect(spec.steps.map(\.componentFile) == ["p/train.yml", "p/train.yml"])
        #expect(spec.steps[1].dependsOn == ["train"])
        #expect(state.jobs.count == 1, "a component is not a job of its own")

        let missingInput = try load(["p/pipeline.yml": pipeline.replacingOccurrences(of: "      data: ${{parent.jobs.train.outputs.model}}\n", with: "      other: 1\n"), "p/train.yml": component])
        #expect(missingInput.diagnostic("Required input 'data' for component 'evaluate' not provided.") != nil)
        let missingFile = try load(["p/pipeline.yml": pipeline])
        #expect(missingFile.diagnostic("can't find `./train.yml`")?.field == "jobs.train.component")
    }

    @Test func everyStepNeedsAComputeWithoutAPipelineDefault() throws {
        let state = try load(["p.yml": "type: pipeline\njobs:\n  a:\n    command: echo\n    environment: azureml:e:1\n  b:\n    command: echo\n    environment: azureml:e:1\n    compute: azureml:cpu\n"])
        let diagnostic = try #require(state.diagnostic("Compute not set"))
        #expect(diagnostic.field == "jobs.a.compute")
        #expect(diagnostic.location.line == 3)
        #expect(state.errors.count == 1)
    }

    @Test func jobTypeIsCaseSensitive() throws {
        let state = try load(["p.yml": "type: Pipeline\nsettings: {default_compute: serverless}\njobs: {}\n"])
        #expect(state.diagnostic("Unsupported job type: Pipeline.")?.field == "type")
    }

    @Test func componentPortsAreValidatedCaseSensitively() throws {
        let component = "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\nname: c\ninputs:\n  data: {type: URI_folder}\n  n: {type: integer, default: 2, bogus: 1}\ncommand: echo ${{inputs.data}}\nenvironment: azureml:e:1\n"
        let state = try load(["c.yml": component])
        #expect(state.diagnostics.contains { $0.field == "inputs.data.type" && $0.message.contains("case-sensitive") })
        #expect(state.diagnostic("unknown field `bogus`")?.field == "inputs.n.bogus")
    }

    @Test func jobsAndComponentAreExclusive() throws {
        let state = try load(["p.yml": "type: pipeline\ncomponent: azureml:pipe:1\njobs:\n  a:\n    component: azureml:x:1\n"])
        #expect(state.diagnostic("mutually exclusive")?.severity == .error)
    }

    @Test func componentNameRuleAppliesToStandaloneComponentFiles() throws {
        let component = "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\nname: my-component\ncommand: echo\nenvironment: azureml:e:1\n"
        let standalone = try load(["c.yml": component])
        #expect(standalone.diagnostic("Component name should only contain lower letter")?.location.line == 2)
        let used = try load(["c.yml": component, "p.yml": "type: pipeline\ncompute: cpu\njobs:\n  a:\n    component: ./c.yml\n"])
        #expect(used.errors.isEmpty, "a pipeline may use it: the SDK makes it anonymous")
    }
}
