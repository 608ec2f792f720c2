import Foundation
import Manifests

/// An input of a step as the step sees it: a literal value, or a path on this machine.
struct ResolvedInput: Sendable, Hashable {
    /// What `${{inputs.x}}` becomes in a command.
    var text: String
    /// `uri_folder`, `uri_file`, `mltable`, ... for data; nil for a literal.
    var type: String?
    var mode: String?
    var isData: Bool { type != nil }
}

/// An output of a step: where the step writes it on this machine.
struct ResolvedOutput: Sendable, Hashable {
    var path: String
    var type: String
    /// The pipeline output it is bound to (`${{parent.outputs.x}}`), if any.
    var pipelineOutput: String?
    var isFile: Bool { type == "uri_file" }
}

/// Why a step's inputs or outputs cannot be made into paths here.
struct BindingError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// Turns the bindings of a step (`${{parent.inputs.x}}`, `${{parent.jobs.prep.outputs.clean}}`,
/// committed data paths) into values and paths: inputs come from the job's snapshot of its
/// commit or from the outputs of earlier steps, outputs go to the step's own folder (or the
/// job's, for pipeline outputs).
struct BindingResolver: Sendable {
    /// The root of the job's snapshot: repository paths are under it.
    var snapshot: String?
    var jobDirectory: String
    var pipelineInputs: [String: JobInput] = [:]
    var pipelineOutputs: [String: JobOutput] = [:]
    /// The outputs of the steps that ran, by step then output name.
    var stepOutputs: [String: [String: ResolvedOutput]] = [:]

    func inputs(_ inputs: [String: JobInput], of step: String) throws(BindingError) -> [String: ResolvedInput] {
        var resolved: [String: ResolvedInput] = [:]
        for (name, input) in inputs {
            resolved[name] = try resolve(input, what: "input \(name) of step \(step)")
        }
        return resolved
    }

    private func resolve(_ input: JobInput, what: String) throws(BindingError) -> ResolvedInput {
        switch input {
        case .literal(let value):
            return ResolvedInput(text: value, type: nil, mode: nil)
        case .binding(let binding):
            return try resolveBinding(binding, type: nil, mode: nil, what: what)
        case .data(let type, let path, let mode):
            switch path {
            case nil:
                throw BindingError(description: "\(what) has no path; give it a path or bind it to an output")
            case .repository(let repositoryPath, _)?:
                guard let snapshot else {
                    throw BindingError(description: "\(what) reads \(repositoryPath) but the job has no snapshot of its commit")
                }
                return ResolvedInput(text: snapshot + "/" + repositoryPath, type: type, mode: mode)
            case .remote(let uri)?:
                throw BindingError(
                    description:
                        "\(what) is remote data (\(uri)); the local workspace reads only data committed to the repository. Commit a sample next to the job, or run it on the Azure ML workspace")
            case .binding(let binding)?:
                return try resolveBinding(binding, type: type, mode: mode, what: what)
            }
        }
    }

    private func resolveBinding(_ binding: String, type: String?, mode: String?, what: String) throws(BindingError) -> ResolvedInput {
        let parts = Self.bindingParts(binding)
        switch parts.count >= 3 ? Array(parts.prefix(2)) : [] {
        case ["parent", "inputs"] where parts.count == 3:
            guard let input = pipelineInputs[parts[2]] else {
                throw BindingError(description: "\(what) binds \(binding) but the pipeline has no input \(parts[2])")
            }
            var resolved = try resolve(input, what: "pipeline input \(parts[2])")
            if resolved.isData {
                resolved.type = type ?? resolved.type
                resolved.mode = mode ?? resolved.mode
            }
            return resolved
        case ["parent", "jobs"] where parts.count == 5 && parts[3] == "outputs":
            guard let output = stepOutputs[parts[2]]?[parts[4]] else {
                throw BindingError(description: "\(what) binds \(binding) but step \(parts[2]) has no output \(parts[4]) (did it run?)")
            }
            return ResolvedInput(text: output.path, type: type ?? output.type, mode: mode)
        default:
            throw BindingError(
                description: "\(what) binds \(binding), which the local workspace cannot resolve (use ${{parent.inputs.x}} or ${{parent.jobs.<step>.outputs.<y>}})")
        }
    }

    /// The outputs of a step, created: folders for `uri_folder` (and the default type), the
    /// parent folder of a `uri_file`.
    func outputs(_ outputs: [String: JobOutput], layout: StepLayout) throws(BindingError) -> [String: ResolvedOutput] {
        var resolved: [String: ResolvedOutput] = [:]
        for (name, output) in outputs {
            var type = output.type
            var path = layout.output(name)
            var bound: String?
            if case .binding(let binding)? = output.path {
                let parts = Self.bindingParts(binding)
                guard parts.count == 3, parts[0] == "parent", parts[1] == "outputs" else {
                    throw BindingError(description: "output \(name) binds \(binding); an output can bind only ${{parent.outputs.<name>}}")
                }
                bound = parts[2]
                type = type ?? pipelineOutputs[parts[2]]?.type
                path = jobDirectory + "/outputs/" + parts[2]
            }
            let entry = ResolvedOutput(path: path, type: type ?? "uri_folder", pipelineOutput: bound)
            do {
                let folder = entry.isFile ? (path as NSString).deletingLastPathComponent : path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw BindingError(description: "cannot create output \(name) at \(path): \(error.localizedDescription)")
            }
            resolved[name] = entry
        }
        return resolved
    }

    /// `${{ parent.jobs.prep.outputs.clean }}` -> ["parent", "jobs", "prep", "outputs", "clean"].
    static func bindingParts(_ binding: String) -> [String] {
        var text = binding.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("${{"), text.hasSuffix("}}") else { return [] }
        text = String(text.dropFirst(3).dropLast(2)).trimmingCharacters(in: .whitespaces)
        return text.split(separator: ".").map(String.init)
    }
}
