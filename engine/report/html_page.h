#pragma once
//! One self-contained HTML report page: static HTML written by the caller, named data sets
//! (the numbers the charts draw) in one JSON data block, and chart descriptors that the
//! inlined report script (assets/report.js) turns into Vega-Lite specifications and renders
//! with the inlined Vega, Vega-Lite and vega-embed. Nothing is fetched when the page is
//! viewed: a Content-Security-Policy forbids every request.
//!
//! The page's two JSON blocks, read by report.js and by the tests:
//!   <script type="application/json" id="clvsim-data">
//!     {"meta": {...}, "datasets": {"d0": [rows...], ...}, "sources": {"d0": {...}, ...}}
//!   <script type="application/json" id="clvsim-charts"> [{"id": "chart-0", "kind": ..., ...}]
//! `sources` says where each data set's numbers come from (e.g. the results file dataset).
//! Once every chart is drawn, report.js sets <body data-charts-rendered="N"
//! data-charts-failed="M">.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace clvsim::report {

//! `text` escaped for HTML element content and attribute values (& < > " ').
std::string html_escape(std::string_view text);

//! A compact JSON text builder: values are appended in order and commas placed for you.
//! Numbers are shortest round-trip decimals (the double read back is the one written);
//! NaN and infinities are null.
class JsonWriter {
public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);
  JsonWriter& value(double number);
  JsonWriter& value(int number);
  JsonWriter& value(std::size_t number);
  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& boolean(bool b);
  JsonWriter& null();
  //! Appends already-formed JSON text as one value.
  JsonWriter& raw(std::string_view json);
  //! `key` followed by `value`.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v)
  {
    key(name);
    return value(v);
  }
  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

private:
  void separator();
  std::string out_;
  std::vector<bool> first_;  //!< per open object/array: no element written yet
  bool after_key_ = false;
};

//! Builds the page. Typical use: page.html() << "<h2>...</h2>"; name = page.dataset(rows,
//! source); page.chart(descriptor, caption); page.render().
class HtmlPage {
public:
  //! `title` is the page title (plain text); `meta_json` a JSON object made available to the
  //! charts as data.meta (currency, period names, ...).
  HtmlPage(std::string title, std::string meta_json);

  //! The body HTML written so far; append to it.
  std::string& html() { return body_; }

  //! Adds a data set: `rows_json` a JSON array of objects, `source_json` a JSON object saying
  //! where the numbers come from. Returns its name ("d0", "d1", ...), which chart
  //! descriptors refer to.
  std::string dataset(std::string rows_json, std::string source_json);

  //! Places a chart here: a <figure> with the chart and `caption_html` below it.
  //! `descriptor_json` is a JSON object with at least "kind" and "data" (a data set name or
  //! an array of names), read by report.js; the page adds its "id".
  void chart(const std::string& descriptor_json, const std::string& caption_html);

  std::size_t chart_count() const { return charts_.size(); }

  //! The complete document.
  std::string render() const;

private:
  std::string title_, meta_;
  std::string body_;
  std::vector<std::string> dataset_rows_, dataset_sources_;
  std::vector<std::string> charts_;
};

//! A name for people: "cost_service" -> "cost service"; a name with no underscores is kept.
std::string words(std::string_view name);

}  // namespace clvsim::report
