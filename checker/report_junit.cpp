#include "weft/report_junit.h"

#include <iomanip>
#include <sstream>

#include "weft/report_text.h"

namespace weft::check {

namespace {

std::string seconds(double s) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(3) << s;
  return os.str();
}

std::string case_name(const Report& r) {
  std::string n = r.model;
  for (const auto& [k, v] : r.params) n += " " + k + "=" + std::to_string(v);
  return n;
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (ch) {
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
        out += "&apos;";
        break;
      default:
        if (c < 0x20 && ch != '\n' && ch != '\t' && ch != '\r') break;  // not allowed in XML 1.0
        out += ch;
    }
  }
  return out;
}

std::string report_to_junit(const std::vector<Report>& reports) {
  std::size_t failures = 0;
  double total = 0;
  for (const Report& r : reports) {
    if (!r.findings.empty()) ++failures;
    total += r.stats.seconds;
  }
  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  os << "<testsuites name=\"weft\" tests=\"" << reports.size() << "\" failures=\"" << failures << "\" time=\""
     << seconds(total) << "\">\n";
  os << "  <testsuite name=\"weft check\" tests=\"" << reports.size() << "\" failures=\"" << failures
     << "\" errors=\"0\" skipped=\"0\" time=\"" << seconds(total) << "\">\n";
  TextOptions to;
  for (const Report& r : reports) {
    os << "    <testcase classname=\"weft.models\" name=\"" << xml_escape(case_name(r)) << "\" time=\""
       << seconds(r.stats.seconds) << "\">\n";
    if (!r.findings.empty()) {
      // The message names the finding that decided the verdict; the text has them all.
      const auto verdict = r.verdict();
      const Finding* main = &r.findings.front();
      for (const Finding& f : r.findings) {
        if (verdict && f.kind == *verdict) {
          main = &f;
          break;
        }
      }
      const Finding& first = *main;
      std::ostringstream text;
      print_finding(text, *main, to);
      for (const Finding& f : r.findings) {
        if (&f == main) continue;
        text << "\n";
        print_finding(text, f, to);
      }
      os << "      <failure type=\"" << finding_name(verdict ? *verdict : first.kind) << "\" message=\""
         << xml_escape(finding_headline(first) + ": " + first.message) << "\">" << xml_escape(text.str())
         << "</failure>\n";
    }
    std::ostringstream out;
    out << "explored " << r.stats.executions << " executions, " << r.stats.steps << " steps (strategy "
        << r.strategy << "); "
        << (r.complete ? "the search was complete" : "the search was not complete: " + r.incomplete_reason);
    os << "      <system-out>" << xml_escape(out.str()) << "</system-out>\n";
    os << "    </testcase>\n";
  }
  os << "  </testsuite>\n</testsuites>\n";
  return os.str();
}

}  // namespace weft::check
