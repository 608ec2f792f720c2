/// One mini-batch of a parallel step's main input: what one `run(mini_batch)` call receives.
public struct MiniBatch: Sendable, Hashable, Codable {
    /// The mini-batch's position, from 0, stable for a given input and split: a resumed step
    /// finds its completed mini-batches by index.
    public var index: Int
    public var payload: MiniBatchPayload

    public init(index: Int, payload: MiniBatchPayload) {
        self.index = index
        self.payload = payload
    }

    /// How many items `run()` must return rows for (files, or tabular rows).
    public var itemCount: Int {
        switch payload {
        case .files(let paths): paths.count
        case .tabular(_, let rows, _): rows
        }
    }
}

/// What a mini-batch holds.
public enum MiniBatchPayload: Sendable, Hashable, Codable {
    /// A list of files (absolute paths), from a `uri_folder` or a file-list `mltable`.
    case files([String])
    /// A slice of tabular data written as a CSV file (header + rows) that the worker loads
    /// as a data frame; `partition` holds the key values when split by `partition_keys`.
    case tabular(csvPath: String, rows: Int, partition: [String: String]?)
}
