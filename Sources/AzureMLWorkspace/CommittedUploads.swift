import Foundation
public import Manifests

/// A committed folder or file that a request references under `LocalUpload/` in the
/// workspace's blob container, and so must be uploaded before the request.
public struct CommittedUpload: Sendable, Hashable {
    /// The repository path (folder or file).
    public var path: String
    /// The blob name prefix, `LocalUpload/<digest>/<name>`.
    public var blobPrefix: String
}

extension ARMBodies {
    /// `LocalUpload/<digest>/<last path component>`, as the URIs in the bodies name it.
    static func blobPrefix(path: String, digest: String) -> String {
        "LocalUpload/\(hex(digest))/\(lastComponent(path))"
    }

    /// What a job references from the commit: code folders, local data, inline build contexts.
    public func uploads(of job: Job) -> [CommittedUpload] {
        var result: [CommittedUpload] = []
        func add(_ path: String, _ digest: String) {
            let upload = CommittedUpload(path: path, blobPrefix: Self.blobPrefix(path: path, digest: digest))
            if !result.contains(upload) { result.append(upload) }
        }
        func code(_ reference: CodeReference?) {
            if case .repository(let path, let digest)? = reference { add(path, digest) }
        }
        func inputs(_ inputs: [String: JobInput]) {
            for input in inputs.values {
                if case .data(_, .repository(let path, let digest)?, _) = input { add(path, digest) }
            }
        }
        func environment(_ reference: EnvironmentReference) {
            if case .inline(let inline) = reference { result += uploads(of: inline).filter { !result.contains($0) } }
        }
        switch job.spec {
        case .command(let task):
            code(task.code)
            inputs(task.inputs)
            environment(task.environment)
        case .pipeline(let pipeline):
            inputs(pipeline.inputs)
            for step in pipeline.steps {
                switch step.body {
                case .command(let task):
                    code(task.code)
                    inputs(task.inputs)
                    environment(task.environment)
                case .parallel(let task):
                    code(task.code)
                    inputs(task.inputs)
                    environment(task.environment)
                case .other: break
                }
            }
        }
        return result
    }

    /// An environment's committed Docker build context, if any.
    public func uploads(of environment: Environment) -> [CommittedUpload] {
        guard let build = environment.definition.build, !build.path.hasPrefix("http://"), !build.path.hasPrefix("https://") else {
            return []
        }
        return [CommittedUpload(path: build.path, blobPrefix: Self.blobPrefix(path: build.path, digest: build.contentDigest))]
    }
}
