//! The SDK's log events, redacted by construction: an event is a line this crate formats from
//! methods, paths, statuses, counts, error classes and codes, never from a header value, a
//! token, a key or a request or answer body.
//!
//! Where they go: to the `log` facade (target `agenttrustid`) when the application installed a
//! logger that takes the event's level; else to stderr, one line `agenttrustid <level> ...`,
//! when `AGENTTRUST_LOG` (`off` (default), `error`, `warn`, `info`, `debug`; any case) allows it.

use std::fmt;
use std::sync::Once;

/// The environment variable that turns the stderr log on.
pub(crate) const ENV: &str = "AGENTTRUST_LOG";

/// The target of every event given to the `log` facade.
pub(crate) const TARGET: &str = "agenttrustid";

/// A level of `AGENTTRUST_LOG`, from quiet to verbose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Off,
    Error,
    Warn,
    Info,
    Debug,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Self::Off => "off",
            Self::Error => "error",
            Self::Warn => "warn",
            Self::Info => "info",
            Self::Debug => "debug",
        }
    }

    fn facade(self) -> Option<log::Level> {
        match self {
            Self::Off => None,
            Self::Error => Some(log::Level::Error),
            Self::Warn => Some(log::Level::Warn),
            Self::Info => Some(log::Level::Info),
            Self::Debug => Some(log::Level::Debug),
        }
    }
}

/// The level a value of `AGENTTRUST_LOG` names, or the warning line an unknown value gets (the
/// level is then `Off`).
pub(crate) fn parse(value: Option<&str>) -> (Level, Option<String>) {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return (Level::Off, None);
    };
    let level = match v.to_ascii_lowercase().as_str() {
        "off" => Level::Off,
        "error" => Level::Error,
        "warn" => Level::Warn,
        "info" => Level::Info,
        "debug" => Level::Debug,
        _ => {
            let shown: String = v.chars().take(40).filter(|c| !c.is_control()).collect();
            return (
                Level::Off,
                Some(format!(
                    "agenttrustid warn {ENV}={shown:?} is not a level; logging stays off (accepted: off, error, warn, info, debug)"
                )),
            );
        }
    };
    (level, None)
}

/// The stderr level of a new client: `AGENTTRUST_LOG`, read when the client is built. An
/// unknown value prints one warning line on stderr per process.
pub(crate) fn level_from_env() -> Level {
    static WARNED: Once = Once::new();
    let (level, warning) = parse(std::env::var(ENV).ok().as_deref());
    if let Some(w) = warning {
        WARNED.call_once(|| eprintln!("{w}"));
    }
    level
}

/// The sink of one client (and of its guards).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Logger {
    pub level: Level,
}

impl Logger {
    /// Whether an event at `level` goes anywhere (checked before formatting one).
    pub fn enabled(&self, level: Level) -> bool {
        level != Level::Off
            && (level <= self.level
                || level
                    .facade()
                    .is_some_and(|l| log::log_enabled!(target: TARGET, l)))
    }

    /// Emits one event: to the application's logger if it takes the level, else to stderr if
    /// `AGENTTRUST_LOG` allows it.
    pub fn emit(&self, level: Level, args: fmt::Arguments<'_>) {
        let Some(facade) = level.facade() else {
            return;
        };
        if log::log_enabled!(target: TARGET, facade) {
            log::log!(target: TARGET, facade, "{args}");
        } else if level <= self.level {
            eprintln!("{}", line(level, args));
        }
    }
}

/// The stderr form of an event.
pub(crate) fn line(level: Level, args: fmt::Arguments<'_>) -> String {
    format!("{TARGET} {} {args}", level.name())
}

/// Emits an event through a [`Logger`] when its level is enabled; the arguments are formatted
/// only then.
macro_rules! event {
    ($logger:expr, $level:ident, $($arg:tt)+) => {{
        let logger: &$crate::logging::Logger = &$logger;
        if logger.enabled($crate::logging::Level::$level) {
            logger.emit($crate::logging::Level::$level, format_args!($($arg)+));
        }
    }};
}
pub(crate) use event;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_in_any_case_and_unknown_values_warn_and_stay_off() {
        assert_eq!(parse(None), (Level::Off, None));
        assert_eq!(parse(Some("")), (Level::Off, None));
        assert_eq!(parse(Some("DEBUG")), (Level::Debug, None));
        assert_eq!(parse(Some(" Info ")), (Level::Info, None));
        assert_eq!(parse(Some("warn")).0, Level::Warn);
        assert_eq!(parse(Some("error")).0, Level::Error);
        assert_eq!(parse(Some("off")).0, Level::Off);
        let (level, warning) = parse(Some("verbose"));
        assert_eq!(level, Level::Off);
        let w = warning.expect("a warning");
        assert!(w.starts_with("agenttrustid warn AGENTTRUST_LOG=\"verbose\""), "{w}");
        assert!(w.contains("off, error, warn, info, debug"), "{w}");
    }

    #[test]
    fn stderr_lines_start_with_the_crate_and_the_level() {
        assert_eq!(
            line(Level::Debug, format_args!("GET /x status=200")),
            "agenttrustid debug GET /x status=200"
        );
        let quiet = Logger { level: Level::Warn };
        assert!(quiet.enabled(Level::Error) && quiet.enabled(Level::Warn));
        assert!(!quiet.enabled(Level::Info) && !quiet.enabled(Level::Off));
    }
}
