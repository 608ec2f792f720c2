import Foundation
public import Manifests

/// Cuts a parallel step's main input into the mini-batches that `run()` receives, as Azure ML
/// does, so a step behaves the same locally and in the cloud.
///
/// - File lists (`uri_folder`, `uri_file`, or an `mltable` without `read_delimited`) are split
///   by file count: `mini_batch_size: "10"` gives 10 files a batch; **10 files when
///   `mini_batch_size` is absent**. A size (`"10kb"`) is an error for a file list.
/// - Tabular data (`mltable` with `read_delimited`, mode `direct`) is split by size: rows are
///   grouped in order while the bytes of their CSV lines, as written in the chunk, stay within
///   the limit (a row larger than the limit gets a batch of its own); **1 MB (1,048,576 bytes)
///   when `mini_batch_size` is absent**; a bare number (`"4096"`) is a number of bytes, as
///   Azure ML reads it for tabular input.
/// - `partition_keys` take precedence over `mini_batch_size` (as in Azure ML): one batch per
///   distinct combination of the keys' values, in order of first appearance. For tabular data
///   the keys are columns; for file lists they are `key=value` folder names (Hive style,
///   `store=S001/2024.csv`).
///
/// The split is deterministic, so a resumed step finds its finished mini-batches by index.
public enum MiniBatchSplitter {
    /// Files a batch when a file list has no `mini_batch_size`.
    public static let defaultFilesPerBatch = 10
    /// Bytes a batch when tabular data has no `mini_batch_size` (1 MB).
    public static let defaultBytesPerBatch = 1024 * 1024

    /// Why an input could not be split, with what to change.
    public enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The materialised input is not there.
        case inputNotFound(path: String)
        /// An input type that parallel steps do not split.
        case unsupportedInputType(String)
        /// The MLTable file is missing or wrong.
        case mlTable(MLTableFile.LoadError)
        /// `mini_batch_size` below 1.
        case invalidMiniBatchSize(String)
        /// A size (`"10kb"`) given for a file list, which is split by file count.
        case sizeForFileList(bytes: Int)
        /// The input mode does not fit the data.
        case modeMismatch(mode: String, detail: String)
        /// A file of a Hive-partitioned file list lacks a `key=value` folder for a key.
        case missingPartitionFolder(file: String, key: String)
        /// A partition key that is not a column of the table.
        case unknownPartitionColumn(key: String, columns: [String], file: String)
        /// The CSV cannot be parsed.
        case malformedCSV(file: String, line: Int, detail: String)
        /// A row with more fields than the header has columns.
        case tooManyFields(file: String, line: Int, found: Int, expected: Int)
        /// With `all_files_same_headers`, a file whose header differs from the first file's.
        case headerMismatch(file: String, firstFile: String)
        /// A data file that cannot be read or decoded.
        case unreadable(path: String, detail: String)
        /// The chunk folder or a chunk cannot be written.
        case unwritable(path: String, detail: String)

        /// The message for people.
        public var description: String {
            switch self {
            case .inputNotFound(let path):
                return "the main input of the parallel step is not at \(path)"
            case .unsupportedInputType(let type):
                return "a parallel step's main input must be uri_folder, uri_file or mltable (found \(type))"
            case .mlTable(let error):
                return error.description
            case .invalidMiniBatchSize(let text):
                return "mini_batch_size must be at least 1 (found \(text))"
            case .sizeForFileList(let bytes):
                return "mini_batch_size is a size (\(bytes) bytes) but the main input is a file list, split by file count; "
                    + "write a count such as \"10\", or read the files as a table with an MLTable `read_delimited`"
            case .modeMismatch(let mode, let detail):
                return "input mode \(mode) does not fit the main input: \(detail)"
            case .missingPartitionFolder(let file, let key):
                return "partition key `\(key)` has no `\(key)=<value>` folder in the path of \(file); "
                    + "every file of a partitioned file list must sit under one folder per key"
            case .unknownPartitionColumn(let key, let columns, let file):
                return "partition key `\(key)` is not a column of \(file) (columns: \(columns.joined(separator: ", ")))"
            case .malformedCSV(let file, let line, let detail):
                return "\(file):\(line): \(detail)"
            case .tooManyFields(let file, let line, let found, let expected):
                return "\(file):\(line): the row has \(found) fields but the header has \(expected) columns; "
                    + "check the delimiter and the quoting"
            case .headerMismatch(let file, let firstFile):
                return "the header of \(file) differs from that of \(firstFile), but the MLTable says all_files_same_headers; "
                    + "make the headers equal or use header: from_first_file"
            case .unreadable(let path, let detail):
                return "cannot read \(path): \(detail)"
            case .unwritable(let path, let detail):
                return "cannot write \(path): \(detail)"
            }
        }
    }

    /// Splits the materialised main input at `inputPath` (a folder, a file, or the folder of
    /// an MLTable) into mini-batches indexed from 0. Tabular chunks are written to
    /// `chunkDirectory` as `chunk-000000.csv`, ... (earlier chunks there are replaced). An
    /// empty input gives no mini-batches.
    public static func split(
        inputPath: String, inputType: String, mode: String?, size: MiniBatchSize?, partitionKeys: [String]?,
        chunkDirectory: String
    ) throws(SplitError) -> [MiniBatch] {
        let root = MLTableFile.absolutePath(inputPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory) else { throw .inputNotFound(path: root) }
        let keys = partitionKeys.flatMap { $0.isEmpty ? nil : $0 }
        switch inputType {
        case "uri_folder", "uri_file":
            let files: [String]
            if isDirectory.boolValue {
                files = MLTableFile.regularFiles(under: root).map { root + "/" + $0 }
            } else {
                files = [root]
            }
            return try fileBatches(files, root: isDirectory.boolValue ? root : (root as NSString).deletingLastPathComponent,
                                   size: size, partitionKeys: keys)
        case "mltable":
            let table: MLTableFile
            do {
                table = try MLTableFile.load(from: root)
            } catch {
                throw .mlTable(error)
            }
            let files: [String]
            do {
                files = try table.dataFiles()
            } catch {
                throw .mlTable(error)
            }
            if let reader = table.readDelimited {
                if let mode, mode != "direct" {
                    throw .modeMismatch(mode: mode, detail: "tabular data (an MLTable with read_delimited) is split into rows only with mode: direct; "
                                        + "use direct, or drop read_delimited to split the files")
                }
                return try TabularSplit(files: files, reader: reader, chunkDirectory: MLTableFile.absolutePath(chunkDirectory))
                    .run(size: size, partitionKeys: keys)
            }
            // Sorted as a whole so the order does not depend on how `paths:` is written.
            let sorted = files.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            return try fileBatches(sorted, root: table.folder, size: size, partitionKeys: keys)
        default:
            throw .unsupportedInputType(inputType)
        }
    }

    // MARK: - File lists

    private static func fileBatches(
        _ files: [String], root: String, size: MiniBatchSize?, partitionKeys: [String]?
    ) throws(SplitError) -> [MiniBatch] {
        if let partitionKeys {
            return try hivePartitions(files, root: root, keys: partitionKeys)
        }
        let perBatch: Int
        switch size {
        case nil: perBatch = defaultFilesPerBatch
        case .files(let count):
            guard count >= 1 else { throw .invalidMiniBatchSize(String(count)) }
            perBatch = count
        case .bytes(let bytes):
            throw .sizeForFileList(bytes: bytes)
        }
        return stride(from: 0, to: files.count, by: perBatch).enumerated().map { index, start in
            MiniBatch(index: index, payload: .files(Array(files[start..<min(start + perBatch, files.count)])))
        }
    }

    private static func hivePartitions(_ files: [String], root: String, keys: [String]) throws(SplitError) -> [MiniBatch] {
        var groups: [[String]: Int] = [:]
        var members: [[String]] = []
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for file in files {
            let relative = file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
            var values: [String: String] = [:]
            for segment in relative.split(separator: "/").dropLast() {
                guard let equals = segment.firstIndex(of: "=") else { continue }
                values[String(segment[..<equals])] = String(segment[segment.index(after: equals)...])
            }
            var combination: [String] = []
            for key in keys {
                guard let value = values[key] else { throw .missingPartitionFolder(file: file, key: key) }
                combination.append(value)
            }
            if let group = groups[combination] {
                members[group].append(file)
            } else {
                groups[combination] = members.count
                members.append([file])
            }
        }
        return members.enumerated().map { MiniBatch(index: $0.offset, payload: .files($0.element)) }
    }
}

// MARK: - Tabular data

extension MiniBatchSplitter {
    /// One pass over the table's files that writes the chunks.
    private struct TabularSplit {
        var files: [String]
        var reader: MLTableFile.ReadDelimited
        var chunkDirectory: String

        /// The column names, the line that holds them in every chunk, and the file they came from.
        struct TableHeader {
            var names: [String]
            var line: [UInt8]
            var file: String
        }

        init(files: [String], reader: MLTableFile.ReadDelimited, chunkDirectory: String) {
            self.files = files
            self.reader = reader
            self.chunkDirectory = chunkDirectory
        }

        func run(size: MiniBatchSize?, partitionKeys: [String]?) throws(SplitError) -> [MiniBatch] {
            try prepareChunkDirectory()
            if let partitionKeys { return try partitioned(by: partitionKeys) }
            let limit: Int
            switch size {
            case nil: limit = defaultBytesPerBatch
            case .bytes(let bytes), .files(let bytes):
                guard bytes >= 1 else { throw .invalidMiniBatchSize(String(bytes)) }
                limit = bytes
            }
            var batches: [MiniBatch] = []
            var buffer: [UInt8] = []
            var rows = 0
            var headerLine: [UInt8] = []
            let directory = chunkDirectory
            func flush() throws(SplitError) {
                guard rows > 0 else { return }
                batches.append(try Self.writeChunk(index: batches.count, header: headerLine, body: buffer, rows: rows,
                                                   partition: nil, directory: directory))
                buffer.removeAll(keepingCapacity: true)
                rows = 0
            }
            try eachRow { line, _, header throws(SplitError) in
                if rows > 0, buffer.count + line.count > limit { try flush() }
                headerLine = header.line
                buffer.append(contentsOf: line)
                rows += 1
            }
            try flush()
            return batches
        }

        private func partitioned(by keys: [String]) throws(SplitError) -> [MiniBatch] {
            var groups: [[String]: Int] = [:]
            var bodies: [(values: [String], body: [UInt8], rows: Int)] = []
            var keyColumns: [Int] = []
            var headerLine: [UInt8]?
            try eachRow { line, fields, header throws(SplitError) in
                if headerLine == nil {
                    headerLine = header.line
                    keyColumns = try Self.columnIndexes(of: keys, in: header)
                }
                let values = keyColumns.map { $0 < fields.count ? String(decoding: fields[$0], as: UTF8.self) : "" }
                if let group = groups[values] {
                    bodies[group].body.append(contentsOf: line)
                    bodies[group].rows += 1
                } else {
                    groups[values] = bodies.count
                    bodies.append((values, line, 1))
                }
            }
            var batches: [MiniBatch] = []
            batches.reserveCapacity(bodies.count)
            for (index, group) in bodies.enumerated() {
                let partition = Dictionary(zip(keys, group.values), uniquingKeysWith: { first, _ in first })
                batches.append(try Self.writeChunk(index: index, header: headerLine ?? [], body: group.body, rows: group.rows,
                                                   partition: partition, directory: chunkDirectory))
            }
            return batches
        }

        private static func columnIndexes(of keys: [String], in header: TableHeader) throws(SplitError) -> [Int] {
            var indexes: [Int] = []
            for key in keys {
                guard let index = header.names.firstIndex(of: key) else {
                    throw .unknownPartitionColumn(key: key, columns: header.names, file: header.file)
                }
                indexes.append(index)
            }
            return indexes
        }

        /// Calls `body` with each data row (encoded as a chunk line, and its fields) and the
        /// table's header, in order of files and lines.
        private func eachRow(
            _ body: (_ line: [UInt8], _ fields: [[UInt8]], _ header: TableHeader) throws(SplitError) -> Void
        ) throws(SplitError) {
            let delimiter = Array(reader.delimiter.utf8)
            var header: TableHeader?
            func make(_ names: [String], _ file: String) -> TableHeader {
                TableHeader(names: names, line: CSVParser.encode(names.map { Array($0.utf8) }), file: file)
            }
            for (position, file) in files.enumerated() {
                let bytes = try Self.read(file, encoding: reader.encoding)
                var parser = CSVParser(bytes: bytes, delimiter: delimiter, file: file)
                var isFirstRecord = true
                while let record = try parser.next() {
                    let first = isFirstRecord
                    isFirstRecord = false
                    if first, reader.header == .allFilesSameHeaders {
                        let names = record.fields.map { String(decoding: $0, as: UTF8.self) }
                        if let header {
                            if names != header.names { throw .headerMismatch(file: file, firstFile: header.file) }
                        } else {
                            header = make(names, file)
                        }
                        continue
                    }
                    if first, position == 0, reader.header == .fromFirstFile {
                        header = make(record.fields.map { String(decoding: $0, as: UTF8.self) }, file)
                        continue
                    }
                    // Without a header line the columns are named as Azure ML names them.
                    let columns = header ?? make((1...max(record.fields.count, 1)).map { "Column\($0)" }, file)
                    header = columns
                    if record.fields.count > columns.names.count {
                        throw .tooManyFields(file: file, line: record.line, found: record.fields.count, expected: columns.names.count)
                    }
                    try body(CSVParser.encode(record.fields), record.fields, columns)
                }
            }
        }

        private func prepareChunkDirectory() throws(SplitError) {
            let manager = FileManager.default
            do {
                try manager.createDirectory(atPath: chunkDirectory, withIntermediateDirectories: true)
                // Chunks of an earlier split would otherwise linger beside fewer new ones.
                for name in try manager.contentsOfDirectory(atPath: chunkDirectory) where Self.isChunkName(name) {
                    try manager.removeItem(atPath: (chunkDirectory as NSString).appendingPathComponent(name))
                }
            } catch {
                throw .unwritable(path: chunkDirectory, detail: error.localizedDescription)
            }
        }

        static func isChunkName(_ name: String) -> Bool {
            guard name.hasPrefix("chunk-"), name.hasSuffix(".csv") else { return false }
            let digits = name.dropFirst("chunk-".count).dropLast(".csv".count)
            return digits.count >= 6 && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
        }

        static func chunkName(_ index: Int) -> String {
            let digits = String(index)
            return "chunk-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".csv"
        }

        private static func writeChunk(
            index: Int, header: [UInt8], body: [UInt8], rows: Int, partition: [String: String]?, directory: String
        ) throws(SplitError) -> MiniBatch {
            let path = (directory as NSString).appendingPathComponent(chunkName(index))
            var data = Data(capacity: header.count + body.count)
            data.append(contentsOf: header)
            data.append(contentsOf: body)
            do {
                try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw .unwritable(path: path, detail: error.localizedDescription)
            }
            return MiniBatch(index: index, payload: .tabular(csvPath: path, rows: rows, partition: partition))
        }

        /// The file's bytes as UTF-8, without a byte order mark.
        private static func read(_ file: String, encoding: String) throws(SplitError) -> [UInt8] {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file), options: .mappedIfSafe)
            } catch {
                throw .unreadable(path: file, detail: error.localizedDescription)
            }
            let foundation: String.Encoding
            switch encoding {
            case "utf8", "utf8bom":
                var bytes = [UInt8](data)
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                return bytes
            case "ascii": foundation = .ascii
            case "latin1", "iso88591": foundation = .isoLatin1
            case "windows1252": foundation = .windowsCP1252
            case "utf16": foundation = .utf16
            case "utf32": foundation = .utf32
            default:
                throw .unreadable(path: file, detail: "unsupported encoding \(encoding)")
            }
            guard let text = String(data: data, encoding: foundation) else {
                throw .unreadable(path: file, detail: "the file is not valid \(encoding), as the MLTable's read_delimited.encoding says")
            }
            var bytes = Array(text.utf8)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            return bytes
        }
    }

    /// An RFC 4180 reader (quoted fields may hold delimiters, doubled quotes and line breaks;
    /// CRLF, LF or CR end a record) and the writer of chunk lines.
    struct CSVParser {
        /// One record: its fields and the line it starts on (1-based).
        struct Record {
            var fields: [[UInt8]]
            var line: Int
        }

        private let bytes: [UInt8]
        private let delimiter: [UInt8]
        private let file: String
        private var position = 0
        private var line = 1

        private static let quote = UInt8(ascii: "\"")
        private static let newline = UInt8(ascii: "\n")
        private static let carriageReturn = UInt8(ascii: "\r")

        init(bytes: [UInt8], delimiter: [UInt8], file: String) {
            self.bytes = bytes
            self.delimiter = delimiter
            self.file = file
        }

        /// The next record, skipping empty lines; nil at the end.
        mutating func next() throws(SplitError) -> Record? {
            while position < bytes.count {
                if atLineEnd() {
                    consumeLineEnd()
                    continue
                }
                return try record()
            }
            return nil
        }

        private mutating func record() throws(SplitError) -> Record {
            let startLine = line
            var fields: [[UInt8]] = []
            while true {
                var field: [UInt8] = []
                if position < bytes.count, bytes[position] == Self.quote {
                    let quoteLine = line
                    position += 1
                    var closed = false
                    while position < bytes.count {
                        let byte = bytes[position]
                        if byte == Self.quote {
                            if position + 1 < bytes.count, bytes[position + 1] == Self.quote {
                                field.append(Self.quote)
                                position += 2
                                continue
                            }
                            position += 1
                            closed = true
                            break
                        }
                        if byte == Self.newline || (byte == Self.carriageReturn && (position + 1 >= bytes.count || bytes[position + 1] != Self.newline)) {
                            line += 1
                        }
                        field.append(byte)
                        position += 1
                    }
                    if !closed {
                        throw .malformedCSV(file: file, line: quoteLine, detail: "a quoted field is never closed (a missing \")")
                    }
                }
                // Unquoted text, or stray text after a closing quote, is kept as written.
                while position < bytes.count, !atDelimiter(), !atLineEnd() {
                    field.append(bytes[position])
                    position += 1
                }
                fields.append(field)
                if atDelimiter() {
                    position += delimiter.count
                    continue
                }
                consumeLineEnd()
                return Record(fields: fields, line: startLine)
            }
        }

        private func atDelimiter() -> Bool {
            guard position + delimiter.count <= bytes.count, bytes[position] == delimiter[0] else { return false }
            for offset in 1..<delimiter.count where bytes[position + offset] != delimiter[offset] { return false }
            return true
        }

        private func atLineEnd() -> Bool {
            position < bytes.count && (bytes[position] == Self.newline || bytes[position] == Self.carriageReturn)
        }

        private mutating func consumeLineEnd() {
            guard position < bytes.count else { return }
            if bytes[position] == Self.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Self.newline {
                position += 2
            } else {
                position += 1
            }
            line += 1
        }

        /// One chunk line: comma-separated (whatever the source's delimiter, so the worker
        /// reads every chunk the same way), fields quoted only when RFC 4180 needs it, LF-ended.
        static func encode(_ fields: [[UInt8]]) -> [UInt8] {
            var line: [UInt8] = []
            line.reserveCapacity(fields.reduce(fields.count) { $0 + $1.count })
            for (index, field) in fields.enumerated() {
                if index > 0 { line.append(UInt8(ascii: ",")) }
                if field.contains(where: { $0 == UInt8(ascii: ",") || $0 == quote || $0 == newline || $0 == carriageReturn }) {
                    line.append(quote)
                    for byte in field {
                        if byte == quote { line.append(quote) }
                        line.append(byte)
                    }
                    line.append(quote)
                } else {
                    line.append(contentsOf: field)
                }
            }
            line.append(newline)
            return line
        }
    }
}
