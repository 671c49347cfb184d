#include "engine/report/html_page.h"

#include "engine/io/json_summary.h"
#include "engine/report/assets.h"

namespace clvsim::report {

namespace {

//! JSON text placed inside <script type="application/json">: '<' can only occur inside JSON
//! strings, where \u003c means the same, so no "</script>" or "<!--" can end the block.
std::string script_safe_json(std::string_view json)
{
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<')
      out += "\\u003c";
    else
      out += c;
  }
  return out;
}

//! A <script> element around code that must not contain "</script" (checked when the
//! libraries are prepared, engine/report/CMakeLists.txt; our own script is ours).
void script(std::string& out, std::string_view code)
{
  out += "<script>";
  out += code;
  out += "</script>\n";
}

}  // namespace

std::string html_escape(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string words(std::string_view name)
{
  std::string out(name);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

// ---------------------------------------------------------------------------------------
// JsonWriter
// ---------------------------------------------------------------------------------------

void JsonWriter::separator()
{
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }
}

JsonWriter& JsonWriter::begin_object()
{
  separator();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_object()
{
  out_ += '}';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::begin_array()
{
  separator();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

JsonWriter& JsonWriter::end_array()
{
  out_ += ']';
  first_.pop_back();
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
  separator();
  out_ += io::json_quote(std::string(name));
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::value(double number)
{
  separator();
  out_ += io::json_number(number);
  return *this;
}

JsonWriter& JsonWriter::value(int number)
{
  separator();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(std::size_t number)
{
  separator();
  out_ += std::to_string(number);
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
  separator();
  out_ += io::json_quote(std::string(text));
  return *this;
}

JsonWriter& JsonWriter::boolean(bool b)
{
  separator();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null()
{
  separator();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
  separator();
  out_ += json;
  return *this;
}

// ---------------------------------------------------------------------------------------
// HtmlPage
// ---------------------------------------------------------------------------------------

HtmlPage::HtmlPage(std::string title, std::string meta_json) : title_(std::move(title)), meta_(std::move(meta_json)) {}

std::string HtmlPage::dataset(std::string rows_json, std::string source_json)
{
  dataset_rows_.push_back(std::move(rows_json));
  dataset_sources_.push_back(std::move(source_json));
  return "d" + std::to_string(dataset_rows_.size() - 1);
}

void HtmlPage::chart(const std::string& descriptor_json, const std::string& caption_html)
{
  const std::string id = "chart-" + std::to_string(charts_.size());
  // The descriptor is an object: its id goes in first.
  std::string d = "{\"id\":" + io::json_quote(id);
  if (descriptor_json.size() > 2)
    d += "," + descriptor_json.substr(1);
  else
    d += "}";
  charts_.push_back(std::move(d));
  body_ += "<figure class=\"chart-figure\"><div class=\"chart\" id=\"" + id + "\"></div>";
  if (!caption_html.empty()) body_ += "<figcaption>" + caption_html + "</figcaption>";
  body_ += "</figure>\n";
}

std::string HtmlPage::render() const
{
  std::string out;
  std::size_t size = body_.size() + 4096;
  for (const auto& lib : vendored_libraries()) size += lib.code.size() + 64;
  for (const auto& d : dataset_rows_) size += d.size() + 16;
  out.reserve(size);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  // Nothing may be fetched at view time: scripts and styles are inline, images data: URLs
  // (vega-embed's PNG/SVG export), and every other request (fonts, data, frames) is refused.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + html_escape(title_) + "</title>\n<style>\n";
  out += report_style();
  out += "</style>\n</head>\n<body>\n<main>\n";
  out += body_;
  out += "<footer>\n<p>Charts drawn in your browser by ";
  const auto& libs = vendored_libraries();
  for (std::size_t i = 0; i < libs.size(); ++i)
    out += std::string(i == 0                 ? ""
                       : i + 1 == libs.size() ? " and "
                                              : ", ") +
           std::string(libs[i].name) + " " + std::string(libs[i].version);
  out += ", inlined in this file: it opens without a network.</p>\n";
  out += "<details><summary>Software licences</summary>\n";
  for (const auto& lib : libs)
    out += "<h4>" + html_escape(lib.name) + " " + html_escape(lib.version) + " (" + html_escape(lib.license) +
           ")</h4>\n<pre class=\"licence\">" + html_escape(lib.license_text) + "</pre>\n";
  out += "</details>\n</footer>\n";
  out += "</main>\n";

  out += "<script type=\"application/json\" id=\"clvsim-data\">{\"meta\":";
  out += script_safe_json(meta_);
  out += ",\n\"datasets\":{";
  for (std::size_t i = 0; i < dataset_rows_.size(); ++i) {
    out += (i ? ",\n\"d" : "\n\"d") + std::to_string(i) + "\":";
    out += script_safe_json(dataset_rows_[i]);
  }
  out += "},\n\"sources\":{";
  for (std::size_t i = 0; i < dataset_sources_.size(); ++i) {
    out += (i ? ",\n\"d" : "\n\"d") + std::to_string(i) + "\":";
    out += script_safe_json(dataset_sources_[i]);
  }
  out += "}}</script>\n";

  out += "<script type=\"application/json\" id=\"clvsim-charts\">[";
  for (std::size_t i = 0; i < charts_.size(); ++i) {
    out += i ? ",\n" : "\n";
    out += script_safe_json(charts_[i]);
  }
  out += "]</script>\n";

  for (const auto& lib : vendored_libraries()) {
    out += "<!-- " + std::string(lib.name) + " " + std::string(lib.version) + ", " + std::string(lib.license) +
           " (the licence text is at the end of the page) -->\n";
    script(out, lib.code);
  }
  script(out, report_script());
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace clvsim::report
