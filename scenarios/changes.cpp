#include "scenarios/changes.h"

#include "scenarios/keys.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace clvsim::scenarios {

namespace {

//! "segment.<name>.<key>" with <key> a behaviour key (not "share"): segment overrides.
bool split_segment_key(const std::string& key, std::string& segment, std::string& rest)
{
  if (key.rfind("segment.", 0) != 0) return false;
  const auto dot = key.find('.', 8);
  if (dot == std::string::npos) return false;
  segment = key.substr(8, dot - 8);
  rest = key.substr(dot + 1);
  return rest != "share";
}

Segment& find_segment(Scenario& s, const std::string& name)
{
  for (auto& seg : s.segments)
    if (seg.name == name) return seg;
  throw std::invalid_argument("unknown segment '" + name + "'");
}

bool is_boolean_key(const std::string& key)
{
  const auto* info = find_key(key);
  return info && info->type == KeyType::boolean;
}

}  // namespace

void apply_change(Scenario& s, const Change& c, double w)
{
  std::string seg_name, rest;
  if (split_segment_key(c.key, seg_name, rest)) {
    auto& seg = find_segment(s, seg_name);
    Override ov;
    ov.key = rest;
    if (c.is_text) {
      ov.text = c.text;
      ov.is_text = true;
    } else {
      const double b = get_number(seg.behaviour, rest);
      const double target = c.op == ChangeOp::add ? b + c.number : c.op == ChangeOp::multiply ? b * c.number : c.number;
      ov.number = is_boolean_key(rest) ? c.number : b + w * (target - b);
    }
    auto it =
        std::find_if(seg.overrides.begin(), seg.overrides.end(), [&](const Override& o) { return o.key == rest; });
    if (it != seg.overrides.end())
      *it = ov;
    else
      seg.overrides.push_back(ov);
    resolve_segments(s);
    return;
  }
  if (c.is_text) {
    set_text(s, c.key, c.text);
    return;
  }
  if (is_boolean_key(c.key)) {
    set_number(s, c.key, c.number);
    return;
  }
  const double b = get_number(s, c.key);
  const double target = c.op == ChangeOp::add ? b + c.number : c.op == ChangeOp::multiply ? b * c.number : c.number;
  set_number(s, c.key, b + w * (target - b));
}

}  // namespace clvsim::scenarios
