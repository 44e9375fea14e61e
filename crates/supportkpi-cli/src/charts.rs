//! The HTML report's charts, drawn with plotters into SVG strings.
//!
//! Every data mark (a point of a line, the centre of an interval, a heatmap cell, a bar) is
//! drawn with the alpha [`MARK_ALPHA`]; [`finish`] turns that into a `data-point` attribute, so
//! a test (or a reader's script) can count what each chart plots. Axes, grid lines, trend
//! lines and whiskers are drawn at other alphas and are not marked.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The alpha of data marks: invisible as a difference, exact as a marker in the SVG text.
const MARK_ALPHA: f64 = 0.999;
const WIDTH: u32 = 860;
const HEIGHT: u32 = 300;
const INK: RGBColor = RGBColor(0x47, 0x55, 0x69);
const FONT: &str = "sans-serif";

pub(crate) const BLUE: RGBColor = RGBColor(0x25, 0x63, 0xeb);
pub(crate) const GREEN: RGBColor = RGBColor(0x16, 0xa3, 0x4a);
pub(crate) const SLATE: RGBColor = RGBColor(0x64, 0x74, 0x8b);
pub(crate) const PURPLE: RGBColor = RGBColor(0x93, 0x33, 0xea);
pub(crate) const CYAN: RGBColor = RGBColor(0x08, 0x91, 0xb2);
pub(crate) const ORANGE: RGBColor = RGBColor(0xea, 0x58, 0x0c);
pub(crate) const TEAL: RGBColor = RGBColor(0x0d, 0x94, 0x88);

/// A drawn chart: its SVG and how many data marks it has.
#[derive(Debug, Clone)]
pub(crate) struct Chart {
    pub(crate) svg: String,
    pub(crate) points: usize,
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// A line with a marked point per value.
    Points,
    /// A dashed line without points (a fitted trend).
    Dashed,
}

#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) color: RGBColor,
    pub(crate) values: Vec<Option<f64>>,
    pub(crate) style: Style,
}

/// The y axis: its caption, fixed bounds if any, and the tick format.
pub(crate) struct YAxis<'a> {
    pub(crate) caption: &'a str,
    pub(crate) min: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) format: &'a dyn Fn(f64) -> String,
}

type Result<T> = std::result::Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("drawing a chart failed: {e:?}")
}

fn font(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&INK)
}

/// The y range over the values (and the fixed bounds), padded so lines do not touch the frame.
fn y_range(values: impl Iterator<Item = f64>, axis: &YAxis<'_>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08).max(1e-9);
    let lo = axis.min.unwrap_or(if lo >= 0.0 { 0.0 } else { lo - pad });
    let hi = axis.max.unwrap_or(hi + pad);
    if hi <= lo { (lo, lo + 1.0) } else { (lo, hi) }
}

/// How many x labels fit, and the label of index `i`.
fn x_labels(n: usize) -> usize {
    n.clamp(1, 12)
}

fn label_at(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    labels.get(i as usize).cloned().unwrap_or_default()
}

/// Lines over the periods.
/// A chart over the report's periods (one x position per label) with the house axes and grid:
/// what the line and interval charts share.
fn period_chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, plotters::coord::Shift>,
    labels: &'a [String],
    (lo, hi): (f64, f64),
    axis: &YAxis<'_>,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    let n = labels.len().max(1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(-0.5..n - 0.5, lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(RGBColor(0xf1, 0xf5, 0xf9))
        .bold_line_style(RGBColor(0xe2, 0xe8, 0xf0))
        .axis_style(RGBColor(0xcb, 0xd5, 0xe1))
        .x_labels(x_labels(labels.len()))
        .y_labels(6)
        .x_label_formatter(&|x| label_at(labels, *x))
        .y_label_formatter(&|y| (axis.format)(*y))
        .y_desc(axis.caption)
        .label_style(font(12))
        .axis_desc_style(font(12))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

pub(crate) fn lines(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Series],
    axis: &YAxis<'_>,
) -> Result<Chart> {
    let mut svg = String::new();
    let mut points = 0;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (lo, hi) = y_range(
            series
                .iter()
                .flat_map(|s| s.values.iter().flatten().copied()),
            axis,
        );
        let mut chart = period_chart(&root, labels, (lo, hi), axis)?;
        for s in series {
            // A gap in the values breaks the line rather than bridging it.
            let mut run: Vec<(f64, f64)> = Vec::new();
            let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
            for (i, v) in s.values.iter().enumerate() {
                match v {
                    Some(v) if v.is_finite() => run.push((i as f64, *v)),
                    _ => {
                        if !run.is_empty() {
                            runs.push(std::mem::take(&mut run));
                        }
                    }
                }
            }
            if !run.is_empty() {
                runs.push(run);
            }
            for run in &runs {
                match s.style {
                    Style::Points => {
                        chart
                            .draw_series(LineSeries::new(
                                run.iter().copied(),
                                s.color.stroke_width(2),
                            ))
                            .map_err(err)?;
                        chart
                            .draw_series(
                                run.iter()
                                    .map(|&p| Circle::new(p, 3, s.color.mix(MARK_ALPHA).filled())),
                            )
                            .map_err(err)?;
                        points += run.len();
                    }
                    Style::Dashed => {
                        chart
                            .draw_series(DashedLineSeries::new(
                                run.iter().copied(),
                                6,
                                4,
                                s.color.mix(0.8).stroke_width(2),
                            ))
                            .map_err(err)?;
                    }
                }
            }
        }
        root.present().map_err(err)?;
    }
    Ok(finish(id, title, svg, points))
}

/// A value with its 95% interval per period: a point with whiskers.
pub(crate) fn intervals(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[Option<(f64, f64, f64)>],
    color: RGBColor,
    axis: &YAxis<'_>,
) -> Result<Chart> {
    let mut svg = String::new();
    let mut points = 0;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (lo, hi) = y_range(
            values.iter().flatten().flat_map(|&(v, l, h)| [v, l, h]),
            axis,
        );
        let mut chart = period_chart(&root, labels, (lo, hi), axis)?;
        let defined: Vec<(f64, f64, f64, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|(c, l, h)| (i as f64, c, l, h)))
            .collect();
        chart
            .draw_series(LineSeries::new(
                defined.iter().map(|&(x, c, _, _)| (x, c)),
                color.mix(0.35).stroke_width(1),
            ))
            .map_err(err)?;
        // Whiskers first, at their own alpha; then the marked centre points over them.
        chart
            .draw_series(defined.iter().map(|&(x, c, l, h)| {
                ErrorBar::new_vertical(x, l, c, h, color.mix(0.6).stroke_width(2), 8)
            }))
            .map_err(err)?;
        chart
            .draw_series(
                defined
                    .iter()
                    .map(|&(x, c, _, _)| Circle::new((x, c), 4, color.mix(MARK_ALPHA).filled())),
            )
            .map_err(err)?;
        points += defined.len();
        root.present().map_err(err)?;
    }
    Ok(finish(id, title, svg, points))
}

/// Tickets created by local weekday (rows, Monday on top) and hour of day (columns).
pub(crate) fn heatmap(id: &str, title: &str, cells: &[[u64; 24]; 7]) -> Result<Chart> {
    let mut svg = String::new();
    let mut points = 0;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 280)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5..23.5, -0.5..6.5)
            .map_err(err)?;
        const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(RGBColor(0xcb, 0xd5, 0xe1))
            .x_labels(24)
            .y_labels(7)
            .x_label_formatter(&|x: &f64| {
                let h = x.round();
                if (x - h).abs() < 1e-6 && (h as i64) % 2 == 0 && h < 24.0 {
                    format!("{:02}h", h as i64)
                } else {
                    String::new()
                }
            })
            .y_label_formatter(&|y: &f64| {
                // Row k (from the bottom) is weekday 6 - k, centred on y = k.
                let k = y.round();
                if (y - k).abs() < 1e-6 && (0.0..7.0).contains(&k) {
                    DAYS[6 - k as usize].to_owned()
                } else {
                    String::new()
                }
            })
            .y_label_style(font(12))
            .x_label_style(font(12))
            .draw()
            .map_err(err)?;
        let max = cells.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
        let mut rects = Vec::with_capacity(168);
        for (day, hours) in cells.iter().enumerate() {
            let row = 6 - day;
            for (hour, &count) in hours.iter().enumerate() {
                let t = count as f64 / max;
                let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t) as u8;
                let color = RGBColor(mix(0xf8, 0x1d), mix(0xfa, 0x4e), mix(0xfc, 0xd8));
                rects.push(Rectangle::new(
                    [
                        (hour as f64 - 0.46, row as f64 - 0.44),
                        (hour as f64 + 0.46, row as f64 + 0.44),
                    ],
                    color.mix(MARK_ALPHA).filled(),
                ));
            }
        }
        points += rects.len();
        chart.draw_series(rects).map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(finish(id, title, svg, points))
}

/// Bars with a label each (the age of the open tickets).
pub(crate) fn bars(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[u64],
    color: RGBColor,
) -> Result<Chart> {
    let mut svg = String::new();
    let mut points = 0;
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, 260)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
        let n = labels.len().max(1) as f64;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(64)
            .build_cartesian_2d(-0.5..n - 0.5, 0.0..max * 1.15)
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(RGBColor(0xf1, 0xf5, 0xf9))
            .bold_line_style(RGBColor(0xe2, 0xe8, 0xf0))
            .axis_style(RGBColor(0xcb, 0xd5, 0xe1))
            .x_labels(labels.len().max(1))
            .y_labels(5)
            .x_label_formatter(&|x| label_at(labels, *x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .y_desc("open tickets")
            .label_style(font(12))
            .axis_desc_style(font(12))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let x = i as f64;
                Rectangle::new(
                    [(x - 0.3, 0.0), (x + 0.3, v as f64)],
                    color.mix(MARK_ALPHA).filled(),
                )
            }))
            .map_err(err)?;
        let anchor = Pos::new(HPos::Center, VPos::Bottom);
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                Text::new(
                    v.to_string(),
                    (i as f64, v as f64 + max * 0.02),
                    font(12).pos(anchor),
                )
            }))
            .map_err(err)?;
        points += values.len();
        root.present().map_err(err)?;
    }
    Ok(finish(id, title, svg, points))
}

/// Makes the SVG inline-ready: a stable id, `data-chart`, a title for screen readers, no
/// fixed size (CSS scales it), no namespace URL (HTML does not need one), marked data points.
fn finish(id: &str, title: &str, svg: String, points: usize) -> Chart {
    let mut out = String::with_capacity(svg.len() + points * 16 + 200);
    for (i, line) in svg.lines().enumerate() {
        if i == 0 && line.starts_with("<svg ") {
            let view_box = line
                .split("viewBox=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("0 0 860 300");
            out.push_str(&format!(
                "<svg id=\"chart-{id}\" data-chart=\"{id}\" viewBox=\"{view_box}\" role=\"img\" \
                 aria-label=\"{}\">",
                crate::html::escape(title)
            ));
        } else if (line.starts_with("<circle ") || line.starts_with("<rect "))
            && line.contains(&format!("opacity=\"{MARK_ALPHA}\""))
        {
            let (tag, rest) = line.split_at(line.find(' ').unwrap_or(0));
            out.push_str(tag);
            out.push_str(" data-point=\"\"");
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Chart { svg: out, points }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(svg: &str) -> usize {
        svg.matches("data-point=\"\"").count()
    }

    #[test]
    fn marks_exactly_the_data_points() {
        let labels: Vec<String> = (1..=4).map(|i| format!("2023-0{i}")).collect();
        let axis = YAxis {
            caption: "tickets",
            min: None,
            max: None,
            format: &|v| format!("{v:.0}"),
        };
        let c = lines(
            "x",
            "X",
            &labels,
            &[
                Series {
                    color: BLUE,
                    values: vec![Some(1.0), Some(3.0), None, Some(2.0)],
                    style: Style::Points,
                },
                Series {
                    color: SLATE,
                    values: vec![Some(1.0), Some(2.0), Some(3.0), Some(4.0)],
                    style: Style::Dashed,
                },
            ],
            &axis,
        )
        .unwrap();
        assert_eq!((c.points, count(&c.svg)), (3, 3));
        assert!(c.svg.starts_with("<svg id=\"chart-x\" data-chart=\"x\""));
        assert!(!c.svg.contains("http"));

        let i = intervals(
            "y",
            "Y",
            &labels,
            &[Some((50.0, 40.0, 60.0)), None, None, Some((1.0, 0.0, 2.0))],
            GREEN,
            &axis,
        )
        .unwrap();
        assert_eq!((i.points, count(&i.svg)), (2, 2));
        let h = heatmap("h", "H", &[[1; 24]; 7]).unwrap();
        assert_eq!((h.points, count(&h.svg)), (168, 168));
        let b = bars("b", "B", &labels, &[3, 0, 1, 9], PURPLE).unwrap();
        assert_eq!((b.points, count(&b.svg)), (4, 4));
    }
}
