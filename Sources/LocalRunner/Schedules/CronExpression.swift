/// A parsed five-field cron expression (minute hour day-of-month month day-of-week), matched
/// against local wall-clock time; `TriggerCalendar` turns wall-clock times into instants.
struct CronExpression: Sendable, Hashable {
    /// Bit `n` set = value `n` allowed; one 64-bit mask per field keeps matching and
    /// "next allowed value" to a shift and a trailing-zero count.
    let minutes: UInt64
    let hours: UInt64
    let monthDays: UInt64
    let months: UInt64
    /// Sunday = bit 0 (a written 7 is folded into 0).
    let weekDays: UInt64
    /// Vixie cron: when either day field starts with `*` the day must match both fields
    /// (the starred one matches anything); only when both are restricted does either suffice.
    let monthDayStarred: Bool
    let weekDayStarred: Bool

    private static let field = "trigger.expression"
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    init(_ expression: String) throws(TriggerError) {
        let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw TriggerError(
                field: Self.field,
                message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(fields.count) in '\(expression)'")
        }
        minutes = try Self.parse(fields[0], spec: FieldSpec(position: 1, name: "minute", range: 0...59))
        hours = try Self.parse(fields[1], spec: FieldSpec(position: 2, name: "hour", range: 0...23))
        monthDays = try Self.parse(fields[2], spec: FieldSpec(position: 3, name: "day-of-month", range: 1...31))
        months = try Self.parse(fields[3], spec: FieldSpec(position: 4, name: "month", range: 1...12, names: Self.monthNames, firstNameValue: 1))
        let weekDayBits = try Self.parse(fields[4], spec: FieldSpec(position: 5, name: "day-of-week", range: 0...7, names: Self.dayNames, firstNameValue: 0))
        weekDays = (weekDayBits | (weekDayBits >> 7)) & 0x7F
        monthDayStarred = fields[2].hasPrefix("*")
        weekDayStarred = fields[4].hasPrefix("*")
        // Without this check `0 0 30 2 *` would be accepted and then searched for 400 years.
        // Only a starred field makes both day fields count; restricted week days alone always recur.
        if monthDayStarred || weekDayStarred {
            let allowedMonths = (1...12).filter { (month: Int) -> Bool in months & (UInt64(1) << UInt64(month)) != 0 }
            let longestMonth: Int = allowedMonths.map { TriggerCalendar.Civil.maxDays(inMonth: $0) }.max() ?? 0
            let possibleDays: UInt64 = (UInt64(1) << UInt64(longestMonth + 1)) - 1
            if monthDays & possibleDays == 0 {
                throw TriggerError(
                    field: Self.field,
                    message: "field 3 (day-of-month) '\(fields[2])' never occurs in field 4 (month) '\(fields[3])', so the schedule would never fire")
            }
        }
    }

    /// Whether a local calendar day matches the day-of-month and day-of-week fields.
    func matchesDay(year: Int, month: Int, day: Int) -> Bool {
        let domMatch = monthDays & (1 << UInt64(day)) != 0
        let weekday = TriggerCalendar.Civil.weekday(days: TriggerCalendar.Civil.days(year: year, month: month, day: day))
        let dowMatch = weekDays & (1 << UInt64(weekday)) != 0
        if monthDayStarred || weekDayStarred { return domMatch && dowMatch }
        return domMatch || dowMatch
    }

    /// The first local wall-clock minute (minutes since 1970-01-01T00:00 local) at or after
    /// `wallMinute` that the expression matches. Steps a field at a time (a wrong month skips
    /// the month, a wrong hour the hour), so a leap-day expression costs a few hundred cheap
    /// checks, not millions of minutes. Nil only past a 400-year search (a full Gregorian
    /// cycle), which `init` rules out.
    func nextMatch(atOrAfter wallMinute: Int) -> Int? {
        let (startDays, minuteOfDay) = TriggerCalendar.Civil.floorDivMod(wallMinute, 1440)
        var (year, month, day) = TriggerCalendar.Civil.date(days: startDays)
        var hour = minuteOfDay / 60, minute = minuteOfDay % 60
        let lastYear = year + 400

        func nextDay() {
            hour = 0
            minute = 0
            day += 1
            if day > TriggerCalendar.Civil.daysIn(year: year, month: month) {
                day = 1
                month += 1
                if month > 12 { month = 1; year += 1 }
            }
        }

        while year <= lastYear {
            if months & (1 << UInt64(month)) == 0 {
                if let next = Self.next(in: months, atOrAfter: month + 1, upTo: 12) {
                    month = next
                } else {
                    year += 1
                    month = Self.next(in: months, atOrAfter: 1, upTo: 12)!
                }
                day = 1
                hour = 0
                minute = 0
                continue
            }
            if !matchesDay(year: year, month: month, day: day) {
                nextDay()
                continue
            }
            if hours & (1 << UInt64(hour)) == 0 {
                if let next = Self.next(in: hours, atOrAfter: hour + 1, upTo: 23) {
                    hour = next
                    minute = 0
                } else {
                    nextDay()
                }
                continue
            }
            if minutes & (1 << UInt64(minute)) == 0 {
                if let next = Self.next(in: minutes, atOrAfter: minute + 1, upTo: 59) {
                    minute = next
                } else if let nextHour = Self.next(in: hours, atOrAfter: hour + 1, upTo: 23) {
                    hour = nextHour
                    minute = 0
                } else {
                    nextDay()
                }
                continue
            }
            return TriggerCalendar.Civil.days(year: year, month: month, day: day) * 1440 + hour * 60 + minute
        }
        return nil
    }

    /// The lowest set bit at or above `value` and at most `limit`.
    private static func next(in mask: UInt64, atOrAfter value: Int, upTo limit: Int) -> Int? {
        guard value <= limit else { return nil }
        let candidate = (mask >> UInt64(value)) << UInt64(value)
        guard candidate != 0 else { return nil }
        let found = candidate.trailingZeroBitCount
        return found <= limit ? found : nil
    }

    private struct FieldSpec {
        var position: Int
        var name: String
        var range: ClosedRange<Int>
        var names: [String] = []
        var firstNameValue = 0

        var label: String { "field \(position) (\(name))" }
    }

    private static func parse(_ text: String, spec: FieldSpec) throws(TriggerError) -> UInt64 {
        var mask: UInt64 = 0
        for item in text.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
            guard !item.isEmpty else {
                throw TriggerError(field: Self.field, message: "\(spec.label) '\(text)' has an empty list item")
            }
            let parts = item.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2 else {
                throw TriggerError(field: Self.field, message: "\(spec.label) '\(item)' has more than one '/'")
            }
            var step = 1
            if parts.count == 2 {
                guard let value = Int(parts[1]) else {
                    throw TriggerError(field: Self.field, message: "\(spec.label) '\(item)' has step '\(parts[1])', which is not a number")
                }
                guard value >= 1 else {
                    throw TriggerError(field: Self.field, message: "\(spec.label) '\(item)' has step \(value); a step must be at least 1")
                }
                step = value
            }
            let lower: Int, upper: Int
            if parts[0] == "*" {
                lower = spec.range.lowerBound
                upper = spec.range.upperBound
            } else {
                let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
                guard bounds.count <= 2 else {
                    throw TriggerError(field: Self.field, message: "\(spec.label) '\(item)' is not a value, a range a-b or a step")
                }
                lower = try value(bounds[0], spec: spec)
                if bounds.count == 2 {
                    upper = try value(bounds[1], spec: spec)
                    guard lower <= upper else {
                        throw TriggerError(field: Self.field, message: "\(spec.label) range '\(parts[0])' runs backwards")
                    }
                } else {
                    // `5/15` is Vixie shorthand for `5-59/15`; a bare value is just itself.
                    upper = parts.count == 2 ? spec.range.upperBound : lower
                }
            }
            for bit in stride(from: lower, through: upper, by: step) { mask |= 1 << UInt64(bit) }
        }
        return mask
    }

    private static func value(_ token: String, spec: FieldSpec) throws(TriggerError) -> Int {
        if let number = Int(token) {
            guard spec.range.contains(number) else {
                throw TriggerError(
                    field: Self.field,
                    message: "\(spec.label) '\(token)' is out of range \(spec.range.lowerBound)-\(spec.range.upperBound)")
            }
            return number
        }
        if let index = spec.names.firstIndex(of: token.uppercased()) { return index + spec.firstNameValue }
        let expected = spec.names.isEmpty
            ? "a number \(spec.range.lowerBound)-\(spec.range.upperBound)"
            : "a number \(spec.range.lowerBound)-\(spec.range.upperBound) or a name \(spec.names.first!)-\(spec.names.last!)"
        throw TriggerError(field: Self.field, message: "\(spec.label) '\(token)' is not \(expected)")
    }
}
