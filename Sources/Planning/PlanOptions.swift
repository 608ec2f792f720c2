public import Policies

/// The opt-ins a person gives a plan.
public struct PlanOptions: Sendable {
    /// Delete what git no longer declares (clusters, schedules, locks, quota policies;
    /// environment versions and jobs are history and never pruned).
    public var prune: Bool
    /// Apply min/max/idle changes of existing clusters in place.
    public var allowScaleUpdates: Bool
    /// Replace (delete + create) clusters whose create-only fields changed.
    public var allowReplace: Bool
    /// The VM sizes known to quota arithmetic.
    public var catalog: VMSizeCatalog

    public init(prune: Bool = false, allowScaleUpdates: Bool = false, allowReplace: Bool = false, catalog: VMSizeCatalog = .shipped) {
        self.prune = prune
        self.allowScaleUpdates = allowScaleUpdates
        self.allowReplace = allowReplace
        self.catalog = catalog
    }
}
