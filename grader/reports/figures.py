"""How numbers read in every report: points, percentages, durations and heatmap colours. Pure."""

from __future__ import annotations


def format_points(points: float) -> str:
    """At most two decimals, none when whole: 10, 2.5, 3.33."""
    text = f"{points:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_number(value: float) -> str:
    """Up to four decimals, for machine-read files (CSV): 70, 33.3333."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def format_percent(percent: float) -> str:
    return f"{percent:.1f} %"


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def fraction(points: float, max_points: float) -> float:
    return max(0.0, min(1.0, points / max_points)) if max_points else 0.0


def heat_colour(share: float) -> str:
    """A background from red (0) through amber to yellow-green just below 1, and a green of
    its own for full marks, light enough for dark text: 98 % never looks like 100 %."""
    share = max(0.0, min(1.0, share))
    if share >= 1.0:
        return "hsl(140 58% 78%)"
    return f"hsl({round(4 + 86 * share)} 70% 87%)"


def ink_colour(share: float) -> str:
    """A stronger colour of the same scale, for bars and rings."""
    hue = round(4 + 126 * max(0.0, min(1.0, share)))
    return f"hsl({hue} 55% 40%)"
