// Command threshold-oracle prints the OpenTelemetry Collector's rejection thresholds, computed by
// the Collector's own pkg/sampling at the release the e2e Collector is built from, so logweave's
// probabilityToThreshold can be compared with them (test/e2e/threshold-oracle.test.ts, and the
// vectors in test/fixtures/collector-thresholds.json).
//
// Input, one request per line on stdin: "<probability> <precision>", the probability in any
// form strconv.ParseFloat reads exactly (JavaScript's String(number) round-trips).
// Output, one line per request, tab-separated:
//
//	<probability as given> <precision> <tvalue> <tvalue via sampling_percentage>
//
// The last column is what the probabilistic sampler processor ends up with when the same
// probability is configured as `sampling_percentage`, a float32 divided by 100 in float64.
// A request the Collector refuses prints "error" and the reason in place of the tvalue.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/sampling"
)

func tvalue(probability float64, precision int) string {
	threshold, err := sampling.ProbabilityToThresholdWithPrecision(probability, precision)
	if err != nil {
		return "error:" + strings.ReplaceAll(err.Error(), " ", "_")
	}
	return threshold.TValue()
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		fields := strings.Fields(in.Text())
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 2 {
			fmt.Fprintf(os.Stderr, "threshold-oracle: want \"<probability> <precision>\", got %q\n", in.Text())
			os.Exit(2)
		}
		probability, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "threshold-oracle: %v\n", err)
			os.Exit(2)
		}
		precision, err := strconv.Atoi(fields[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "threshold-oracle: %v\n", err)
			os.Exit(2)
		}
		// As the processor's config does: a float32 percentage, converted to float64, then / 100.
		viaPercentage := float64(float32(probability*100)) / 100
		fmt.Fprintf(out, "%s\t%d\t%s\t%s\n", fields[0], precision, tvalue(probability, precision), tvalue(viaPercentage, precision))
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "threshold-oracle: %v\n", err)
		os.Exit(2)
	}
}
