/// The middle of `durations` once sorted (the upper one of an even count); `durations` must not be empty.
func median(_ durations: [Duration]) -> Duration {
    durations.sorted()[durations.count / 2]
}
