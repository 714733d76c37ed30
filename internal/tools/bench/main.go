// Command bench measures a whole synth process against the floor (a cdk8s
// app with cdk8s-plus loaded and one empty chart), and a synth of every
// environment against one synth: wall time, where a synth's time goes (the
// stages the program records with CARACAL_TIMINGS), peak memory of the Go
// process and of its Node.js processes, and objects written. It reports;
// it asserts nothing. Run it with `make bench`.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"caracal.dev/caracal-cdk8s/internal/testkit/proc"
)

func main() {
	runs := flag.Int("runs", 10, "rounds: each program runs once per round, in turn; the median and the spread are reported")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(runs int) error {
	perCPU := fmt.Sprintf("  the same, --jobs %d", runtime.NumCPU())
	tmp, err := os.MkdirTemp("", "caracal-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	synthBin, floorBin, roundtripBin := filepath.Join(tmp, "caracal-cdk8s"), filepath.Join(tmp, "floor"), filepath.Join(tmp, "roundtrip")
	for bin, pkg := range map[string]string{synthBin: ".", floorBin: "./internal/tools/bench/floor", roundtripBin: "./internal/tools/bench/roundtrip"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	generated, err := generateEnvironments(filepath.Join(tmp, "generated"), generatedEnvironments)
	if err != nil {
		return err
	}
	envs, _ := filepath.Glob("environments/*.yaml")
	// Each round runs every program once, in turn, so that a machine's
	// drift weighs on all of them alike; the ratios are taken per round.
	progs := []program{
		{name: "floor (one empty chart)", bin: floorBin},
		{name: "synth (defaults)", bin: synthBin, args: []string{"synth", "--out", filepath.Join(tmp, "dist")}},
		{name: fmt.Sprintf("synth (%d environments)", len(envs)), bin: synthBin, args: []string{"synth", "--environments", "environments", "--out", filepath.Join(tmp, "environments")}},
		{name: fmt.Sprintf("synth (%d generated envs)", generatedEnvironments), bin: synthBin, args: []string{"synth", "--environments", generated, "--out", filepath.Join(tmp, "generated-out")}},
		// The same with one worker per CPU: whether more workers than
		// the default pay for themselves on this machine.
		{name: perCPU, bin: synthBin, args: []string{"synth", "--jobs", strconv.Itoa(runtime.NumCPU()), "--environments", generated, "--out", filepath.Join(tmp, "generated-per-cpu")}},
	}
	results, err := rounds(runs, progs, filepath.Join(tmp, "timings"))
	if err != nil {
		return err
	}
	// The Node.js that jsii runs: JSII_NODE's (as make sets it), else
	// the node on PATH.
	nodeBin := os.Getenv("JSII_NODE")
	if nodeBin == "" {
		nodeBin = "node"
	}
	node, _ := exec.Command(nodeBin, "--version").Output()
	fmt.Printf("bench: %d rounds, median [min to max]; %s, Node.js %s, %d CPUs\n\n", runs, runtime.Version(), strings.TrimSpace(string(node)), runtime.NumCPU())
	fmt.Printf("%-30s %26s %14s %18s\n", "", "wall", "Go peak RSS", "Node.js peak RSS")
	for i, p := range progs {
		r := results[i]
		fmt.Printf("%-30s %8.3fs [%.3f to %.3f] %11.1f MB %15.1f MB\n", p.name, median(r.walls), minOf(r.walls), maxOf(r.walls), mb(r.goPeak), mb(r.nodePeak))
	}
	ratio := func(a, b int) []float64 {
		out := make([]float64, runs)
		for i := range out {
			out[i] = results[a].walls[i] / results[b].walls[i]
		}
		return out
	}
	report := func(what string, r []float64, goal float64) {
		fmt.Printf("%-34s %.2fx [%.2f to %.2f] (goal: at most %.1fx)\n", what, median(r), minOf(r), maxOf(r), goal)
	}
	fmt.Println()
	report("synth / floor:", ratio(1, 0), 1.3)
	report(fmt.Sprintf("%d environments / one synth:", len(envs)), ratio(2, 1), 2.5)
	report(fmt.Sprintf("%d generated envs / one synth:", generatedEnvironments), ratio(3, 1), 3)
	report(perCPU+":", ratio(4, 1), 3)
	fmt.Printf("objects written: %d (defaults), %d (environments), %d (generated)\n",
		countObjects(results[1].stderr), countAll(results[2].stderr), countAll(results[3].stderr))
	for _, i := range []int{0, 1} {
		fmt.Printf("\nwhere the time of %s goes (median of %d runs):\n", progs[i].name, runs)
		breakdown(results[i])
	}
	return calls(synthBin, roundtripBin, filepath.Join(tmp, "calls"), runs)
}

// calls reports the jsii calls of one synth of the defaults (by kind,
// from jsii's debug log) and what one call costs (the median of runs runs
// of the roundtrip program): their product is what the construct work
// costs at the least, whatever it does on either side.
func calls(synthBin, roundtripBin, out string, runs int) error {
	cmd := exec.Command(synthBin, "synth", "--out", out)
	cmd.Env = append(os.Environ(), "JSII_DEBUG=1")
	log, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("synth with JSII_DEBUG: %v", err)
	}
	kinds := map[string]int{}
	total := 0
	for _, m := range apiRE.FindAllStringSubmatch(string(log), -1) {
		if m[1] != "load" && m[1] != "begin" && m[1] != "callback" {
			kinds[m[1]]++
			total++
		}
	}
	costs := map[string][]float64{}
	var names []string
	for i := 0; i < runs; i++ {
		data, err := exec.Command(roundtripBin).Output()
		if err != nil {
			return fmt.Errorf("roundtrip: %v", err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			what, us, _ := strings.Cut(line, " ")
			v, err := strconv.ParseFloat(us, 64)
			if err != nil {
				continue
			}
			if _, ok := costs[what]; !ok {
				names = append(names, what)
			}
			costs[what] = append(costs[what], v)
		}
	}
	var parts []string
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
	}
	fmt.Printf("\njsii calls in one synth of the defaults: %d (%s)\n", total, strings.Join(parts, ", "))
	fmt.Printf("one jsii call that does next to nothing, median of %d runs:", runs)
	for _, n := range names {
		fmt.Printf(" %s %.0f us;", n, median(costs[n]))
	}
	fmt.Printf("\n%d calls at the warm cost: %.3fs, before any data crosses\n", total, float64(total)*median(costs["get-warm"])/1e6)
	return nil
}

// apiRE finds the requests in jsii's debug log.
var apiRE = regexp.MustCompile(`"api":"(\w+)"`)

// breakdown prints the median of each stage the program recorded, the
// start of the process (from its start to main) and the rest (exiting,
// and whatever no stage covers). Stages marked "beside" ran at the same
// time as another and are left out of the rest.
func breakdown(r result) {
	var names []string
	byName := map[string][]float64{}
	rest := make([]float64, len(r.walls))
	for i, stages := range r.stages {
		rest[i] = r.walls[i]
		for _, st := range stages {
			if _, ok := byName[st.name]; !ok {
				names = append(names, st.name)
			}
			byName[st.name] = append(byName[st.name], st.seconds)
			if !strings.Contains(st.name, "beside") {
				rest[i] -= st.seconds
			}
		}
	}
	for _, n := range names {
		fmt.Printf("  %-44s %7.3fs\n", n, median(byName[n]))
	}
	fmt.Printf("  %-44s %7.3fs\n", "the rest (exit, Go runtime)", median(rest))
}

// generatedEnvironments is how many environments the scale run has.
const generatedEnvironments = 30

// generateEnvironments writes n environments into dir: the committed
// ones in turn, each in a namespace of its own.
func generateEnvironments(dir string, n int) (string, error) {
	committed, _ := filepath.Glob("environments/*.yaml")
	if len(committed) == 0 {
		return "", fmt.Errorf("no environments/*.yaml to generate from")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	nsRE := regexp.MustCompile(`(?m)^  namespace: .*$`)
	for i := 0; i < n; i++ {
		data, err := os.ReadFile(committed[i%len(committed)])
		if err != nil {
			return "", err
		}
		out := nsRE.ReplaceAll(data, []byte(fmt.Sprintf("  namespace: caracal-env%02d", i)))
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("env%02d.yaml", i)), out, 0o644); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// program is one command line to time.
type program struct {
	name string
	bin  string
	args []string
}

// result is what the rounds measured of one program: a wall time per
// round (seconds) and the largest peaks.
type result struct {
	walls            []float64
	stages           [][]stage
	goPeak, nodePeak int64
	stderr           string
}

// stage is how long a stage of a run took, as the program recorded it.
type stage struct {
	name    string
	seconds float64
}

// rounds runs every program once to warm up, measuring its peak memory
// then (polling /proc takes CPU from what it measures, so no timed run is
// polled), then n timed rounds of each in turn.
func rounds(n int, progs []program, timings string) ([]result, error) {
	out := make([]result, len(progs))
	for round := -1; round < n; round++ {
		for i, p := range progs {
			s, err := measure(p.bin, round < 0, timings, p.args...)
			if err != nil {
				return nil, err
			}
			if round < 0 {
				out[i].goPeak, out[i].nodePeak = s.goPeak, s.nodePeak
				continue
			}
			out[i].walls = append(out[i].walls, s.wall.Seconds())
			out[i].stages = append(out[i].stages, s.stages)
			out[i].stderr = s.stderr
		}
	}
	return out, nil
}

func median(xs []float64) float64 {
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func minOf(xs []float64) float64 { return slices.Min(xs) }
func maxOf(xs []float64) float64 { return slices.Max(xs) }

type sample struct {
	wall             time.Duration
	stages           []stage
	goPeak, nodePeak int64 // kB
	stderr           string
}

// measure runs a program once and reads the stages it recorded; with
// poll, it polls /proc for the peak resident memory (VmHWM) of the process
// and of its children (the Node.js processes).
func measure(bin string, poll bool, timings string, args ...string) (sample, error) {
	os.Remove(timings)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "CARACAL_TIMINGS="+timings)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	var s sample
	done := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		if !poll {
			return
		}
		pid := cmd.Process.Pid
		// jsii starts node, which starts the kernel in a second node
		// process, in every worker process of the program too: each
		// figure is the sum of the peaks of its processes.
		peaks := map[int]int64{}
		isNode := map[int]bool{}
		for {
			peaks[pid] = max(peaks[pid], hwm(pid))
			for _, d := range descendants(pid) {
				// By its executable (Node.js 24 renames its thread
				// MainThread), read every time: a child caught between
				// fork and exec is still its parent's.
				if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", d)); err == nil {
					isNode[d] = filepath.Base(exe) == "node"
				}
				peaks[d] = max(peaks[d], hwm(d))
			}
			s.goPeak, s.nodePeak = 0, 0
			for p, kb := range peaks {
				if isNode[p] {
					s.nodePeak += kb
				} else {
					s.goPeak += kb
				}
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	s.wall = time.Since(start)
	close(done)
	<-polled
	s.stderr = stderr.String()
	if err != nil {
		return s, fmt.Errorf("%s: %v\n%s", bin, err, s.stderr)
	}
	s.stages = readStages(timings, start)
	return s, nil
}

// readStages reads what the program recorded: the time main started,
// which gives the process's start-up, then one line per stage.
func readStages(file string, start time.Time) []stage {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil
	}
	var out []stage
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		a, b, _ := strings.Cut(line, " ")
		if a == "main" {
			if ns, err := strconv.ParseInt(b, 10, 64); err == nil {
				out = append(out, stage{"process start (to main)", time.Unix(0, ns).Sub(start).Seconds()})
			}
			continue
		}
		if secs, err := strconv.ParseFloat(a, 64); err == nil {
			out = append(out, stage{b, secs})
		}
	}
	return out
}

// hwm reads the peak resident set size of a process, in kB.
func hwm(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

func descendants(pid int) []int {
	var out []int
	for _, c := range proc.Children(pid) {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
}

var wroteRE = regexp.MustCompile(`wrote (\d+) objects?`)

func countObjects(summary string) int {
	if m := wroteRE.FindStringSubmatch(summary); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

// countAll adds up the objects of every summary line.
func countAll(summary string) int {
	n := 0
	for _, m := range wroteRE.FindAllStringSubmatch(summary, -1) {
		k, _ := strconv.Atoi(m[1])
		n += k
	}
	return n
}

func mb(kb int64) float64 { return float64(kb) / 1024 }
