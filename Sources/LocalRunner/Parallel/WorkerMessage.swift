import Foundation

/// One line a worker harness sends (see `parallel_worker.py`).
enum WorkerMessage: Sendable {
    case ready(pid: Int32)
    case initFailed(error: String, traceback: String)
    case loaded(batch: Int, attempt: Int)
    case done(batch: Int, attempt: Int, returned: Int, rows: [String], seconds: Double)
    case failed(batch: Int, attempt: Int, error: String, traceback: String)
    case shutdownDone
    /// A line that is not a harness message: the worker's protocol channel is corrupt, which
    /// the pool treats like the worker dying.
    case unreadable(String)

    /// The union of every message's fields: one flat struct decodes faster than keyed
    /// enum decoding and lets an unknown event be reported rather than thrown.
    private struct Wire: Decodable {
        var event: String
        var pid: Int32?
        var batch: Int?
        var attempt: Int?
        var returned: Int?
        var rows: [String]?
        var seconds: Double?
        var error: String?
        var traceback: String?
    }

    /// Decodes one line (without its newline). The decoder is the caller's so each reader
    /// thread reuses one.
    static func decode(_ line: Data, with decoder: JSONDecoder) -> WorkerMessage {
        if let loaded = decodeLoaded(line) { return loaded }
        guard let wire = try? decoder.decode(Wire.self, from: line) else {
            return .unreadable(String(decoding: line.prefix(200), as: UTF8.self))
        }
        switch wire.event {
        case "ready":
            return .ready(pid: wire.pid ?? 0)
        case "init_failed":
            return .initFailed(error: wire.error ?? "init failed", traceback: wire.traceback ?? "")
        case "loaded":
            guard let batch = wire.batch, let attempt = wire.attempt else { break }
            return .loaded(batch: batch, attempt: attempt)
        case "done":
            guard let batch = wire.batch, let attempt = wire.attempt else { break }
            let rows = wire.rows ?? []
            return .done(
                batch: batch, attempt: attempt, returned: wire.returned ?? rows.count, rows: rows,
                seconds: wire.seconds ?? 0)
        case "failed":
            guard let batch = wire.batch, let attempt = wire.attempt else { break }
            return .failed(
                batch: batch, attempt: attempt, error: wire.error ?? "run() failed",
                traceback: wire.traceback ?? "")
        case "shutdown_done":
            return .shutdownDone
        default:
            break
        }
        return .unreadable(String(decoding: line.prefix(200), as: UTF8.self))
    }

    private static let loadedPrefix = Array(#"{"event": "loaded", "batch": "#.utf8)
    private static let attemptInfix = Array(#", "attempt": "#.utf8)

    /// Half of all messages are `loaded`, in the exact shape `json.dumps` gives them, so they
    /// are read by hand: a generic decode per message showed up as a quarter of the runner's
    /// CPU with one-item mini-batches. Anything unexpected falls back to the decoder.
    private static func decodeLoaded(_ line: Data) -> WorkerMessage? {
        line.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> WorkerMessage? in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count > loadedPrefix.count + attemptInfix.count + 2,
                bytes.starts(with: loadedPrefix)
            else { return nil }
            var position = loadedPrefix.count
            func integer() -> Int? {
                var value = 0
                let start = position
                while position < bytes.count, position - start < 18,
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
                {
                    value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                    position += 1
                }
                return position > start ? value : nil
            }
            guard let batch = integer(),
                bytes[position...].starts(with: attemptInfix)
            else { return nil }
            position += attemptInfix.count
            guard let attempt = integer(), position == bytes.count - 1,
                bytes[position] == UInt8(ascii: "}")
            else { return nil }
            return .loaded(batch: batch, attempt: attempt)
        }
    }
}
