public import Manifests

/// What one serverless task of a job asks for: a job without `compute` (or with `serverless`),
/// or a pipeline step whose compute falls back to `settings.default_compute: serverless`.
public struct ServerlessDemand: Sendable, Hashable {
    /// The pipeline step, nil for a command job.
    public var step: String?
    /// `resources.instance_type`, when the job names a size.
    public var instanceType: String?
    /// `resources.instance_count` (default 1).
    public var nodes: Int
    /// `queue_settings.job_tier: spot` draws on low-priority cores; anything else on dedicated.
    public var tier: ComputeTier
    /// The field path of the size, for diagnostics (`resources.instance_type`,
    /// `jobs.score.resources.instance_type`).
    public var field: String
}

extension Job {
    /// The serverless tasks of this job, in the order of its steps.
    public var serverlessDemands: [ServerlessDemand] {
        switch spec {
        case .command(let task):
            return Self.isServerless(task.compute)
                ? [Self.demand(step: nil, task.instanceType, task.instanceCount, task.jobTier)] : []
        case .pipeline(let pipeline):
            return pipeline.steps.compactMap { step in
                switch step.body {
                case .command(let task):
                    let compute = task.compute == .unspecified ? pipeline.defaultCompute : task.compute
                    return Self.isServerless(compute) ? Self.demand(step: step.name, task.instanceType, task.instanceCount, task.jobTier) : nil
                case .parallel(let task):
                    let compute = task.compute == .unspecified ? pipeline.defaultCompute : task.compute
                    return Self.isServerless(compute) ? Self.demand(step: step.name, task.instanceType, task.instanceCount, nil) : nil
                case .other:
                    return nil
                }
            }
        }
    }

    private static func isServerless(_ compute: ComputeTarget) -> Bool {
        compute == .serverless || compute == .unspecified
    }

    private static func demand(step: String?, _ instanceType: String?, _ count: Int?, _ jobTier: String?) -> ServerlessDemand {
        ServerlessDemand(
            step: step, instanceType: instanceType, nodes: max(1, count ?? 1),
            tier: jobTier?.lowercased() == "spot" ? .lowPriority : .dedicated,
            field: (step.map { "jobs.\($0)." } ?? "") + "resources.instance_type")
    }
}
