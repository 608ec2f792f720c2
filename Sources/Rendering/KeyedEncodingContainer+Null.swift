extension KeyedEncodingContainer {
    /// Writes `value`, or an explicit `null` when it is nil: `encodeIfPresent` would drop the key,
    /// and the machine output promises every key in every document.
    mutating func encodeOrNull(_ value: (some Encodable)?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
