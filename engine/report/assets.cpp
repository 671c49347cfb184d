#include "engine/report/assets.h"

// The files are placed in .rodata by the assembler's .incbin, each followed by a NUL, with a
// begin and an end symbol: no generated source, nothing copied at start-up. CMake passes
// their directories (engine/report/CMakeLists.txt) and rebuilds this file when they change.
#ifndef CLVSIM_REPORT_VENDOR_DIR
#error "CLVSIM_REPORT_VENDOR_DIR must name the prepared vendor files (engine/report/CMakeLists.txt)"
#endif
#ifndef CLVSIM_REPORT_ASSET_DIR
#error "CLVSIM_REPORT_ASSET_DIR must name engine/report/assets"
#endif

#define CLVSIM_INCBIN(sym, file)                                                                                       \
  __asm__(                                                                                                             \
      ".pushsection .rodata, \"a\", @progbits\n"                                                                       \
      ".balign 16\n"                                                                                                   \
      ".global " #sym "_begin\n" #sym                                                                                  \
      "_begin:\n"                                                                                                      \
      ".incbin \"" file                                                                                                \
      "\"\n"                                                                                                           \
      ".global " #sym "_end\n" #sym                                                                                    \
      "_end:\n"                                                                                                        \
      ".byte 0\n"                                                                                                      \
      ".popsection\n");                                                                                                \
  extern "C" const char sym##_begin[];                                                                                 \
  extern "C" const char sym##_end[];

CLVSIM_INCBIN(clvsim_asset_vega_js, CLVSIM_REPORT_VENDOR_DIR "/vega.min.js")
CLVSIM_INCBIN(clvsim_asset_vega_lite_js, CLVSIM_REPORT_VENDOR_DIR "/vega-lite.min.js")
CLVSIM_INCBIN(clvsim_asset_vega_embed_js, CLVSIM_REPORT_VENDOR_DIR "/vega-embed.min.js")
CLVSIM_INCBIN(clvsim_asset_vega_license, CLVSIM_REPORT_VENDOR_DIR "/vega.LICENSE")
CLVSIM_INCBIN(clvsim_asset_vega_lite_license, CLVSIM_REPORT_VENDOR_DIR "/vega-lite.LICENSE")
CLVSIM_INCBIN(clvsim_asset_vega_embed_license, CLVSIM_REPORT_VENDOR_DIR "/vega-embed.LICENSE")
CLVSIM_INCBIN(clvsim_asset_report_js, CLVSIM_REPORT_ASSET_DIR "/report.js")
CLVSIM_INCBIN(clvsim_asset_report_css, CLVSIM_REPORT_ASSET_DIR "/report.css")

namespace clvsim::report {

namespace {

std::string_view view(const char* begin, const char* end)
{
  return std::string_view(begin, static_cast<std::size_t>(end - begin));
}

}  // namespace

const std::vector<VendoredLibrary>& vendored_libraries()
{
  static const std::vector<VendoredLibrary> libraries = {
      {"vega", CLVSIM_VEGA_VERSION, CLVSIM_VEGA_LICENSE,
       view(clvsim_asset_vega_license_begin, clvsim_asset_vega_license_end),
       view(clvsim_asset_vega_js_begin, clvsim_asset_vega_js_end)},
      {"vega-lite", CLVSIM_VEGA_LITE_VERSION, CLVSIM_VEGA_LITE_LICENSE,
       view(clvsim_asset_vega_lite_license_begin, clvsim_asset_vega_lite_license_end),
       view(clvsim_asset_vega_lite_js_begin, clvsim_asset_vega_lite_js_end)},
      {"vega-embed", CLVSIM_VEGA_EMBED_VERSION, CLVSIM_VEGA_EMBED_LICENSE,
       view(clvsim_asset_vega_embed_license_begin, clvsim_asset_vega_embed_license_end),
       view(clvsim_asset_vega_embed_js_begin, clvsim_asset_vega_embed_js_end)}};
  return libraries;
}

std::string_view report_script()
{
  return view(clvsim_asset_report_js_begin, clvsim_asset_report_js_end);
}

std::string_view report_style()
{
  return view(clvsim_asset_report_css_begin, clvsim_asset_report_css_end);
}

}  // namespace clvsim::report
