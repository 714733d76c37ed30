// Command bench measures a whole synth process against the floor (a cdk8s
// app with cdk8s-plus loaded and one empty chart), and a synth of every
// environment in one process against one synth: wall time, peak memory of
// the Go process and of its Node.js processes, and objects written. It
// reports; it asserts nothing. Run it with `make bench`.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 10, "runs of each program; the median is reported")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(runs int) error {
	tmp, err := os.MkdirTemp("", "caracal-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	synthBin, floorBin := filepath.Join(tmp, "caracal-cdk8s"), filepath.Join(tmp, "floor")
	for bin, pkg := range map[string]string{synthBin: ".", floorBin: "./internal/tools/bench/floor"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	out := filepath.Join(tmp, "dist")
	floor, err := measureN(runs, floorBin)
	if err != nil {
		return err
	}
	synth, err := measureN(runs, synthBin, "synth", "--out", out)
	if err != nil {
		return err
	}
	envs, _ := filepath.Glob("environments/*.yaml")
	all, err := measureN(runs, synthBin, "synth", "--environments", "environments", "--out", filepath.Join(tmp, "environments"))
	if err != nil {
		return err
	}
	objects := countObjects(synth.stderr)
	node, _ := exec.Command("node", "--version").Output()
	fmt.Printf("bench: median of %d runs each; %s, Node.js %s, %d CPUs\n\n", runs, runtime.Version(), strings.TrimSpace(string(node)), runtime.NumCPU())
	fmt.Printf("%-28s %10s %14s %18s\n", "", "wall", "Go peak RSS", "Node.js peak RSS")
	fmt.Printf("%-28s %9.3fs %11.1f MB %15.1f MB\n", "floor (one empty chart)", floor.wall.Seconds(), mb(floor.goPeak), mb(floor.nodePeak))
	fmt.Printf("%-28s %9.3fs %11.1f MB %15.1f MB\n", "synth (defaults)", synth.wall.Seconds(), mb(synth.goPeak), mb(synth.nodePeak))
	fmt.Printf("%-28s %9.3fs %11.1f MB %15.1f MB\n", fmt.Sprintf("synth (%d environments)", len(envs)), all.wall.Seconds(), mb(all.goPeak), mb(all.nodePeak))
	fmt.Printf("\nsynth / floor: %.2fx (goal: at most 1.5x)\n", synth.wall.Seconds()/floor.wall.Seconds())
	fmt.Printf("%d environments / one synth: %.2fx (goal: at most 2.5x)\n", len(envs), all.wall.Seconds()/synth.wall.Seconds())
	fmt.Printf("objects written: %d (defaults), %d (environments)\n", objects, countAll(all.stderr))
	return nil
}

type sample struct {
	wall             time.Duration
	goPeak, nodePeak int64 // kB
	stderr           string
}

// measureN runs a program n times (after one warm-up run) and returns the
// median wall time and the largest peaks.
func measureN(n int, bin string, args ...string) (sample, error) {
	if _, err := measure(bin, args...); err != nil {
		return sample{}, err
	}
	var walls []time.Duration
	var out sample
	for i := 0; i < n; i++ {
		s, err := measure(bin, args...)
		if err != nil {
			return sample{}, err
		}
		walls = append(walls, s.wall)
		out.goPeak = max(out.goPeak, s.goPeak)
		out.nodePeak = max(out.nodePeak, s.nodePeak)
		out.stderr = s.stderr
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	out.wall = walls[len(walls)/2]
	return out, nil
}

// measure runs a program once, polling /proc for the peak resident memory
// (VmHWM) of the process and of its children (the Node.js process).
func measure(bin string, args ...string) (sample, error) {
	cmd := exec.Command(bin, args...)
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
		pid := cmd.Process.Pid
		// jsii starts node, which starts the kernel in a second node
		// process: the Node.js figure is the sum of their peaks.
		peaks := map[int]int64{}
		for {
			s.goPeak = max(s.goPeak, hwm(pid))
			for _, d := range descendants(pid) {
				peaks[d] = max(peaks[d], hwm(d))
			}
			s.nodePeak = 0
			for _, p := range peaks {
				s.nodePeak += p
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
	return s, nil
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
	for _, c := range children(pid) {
		out = append(out, c)
		out = append(out, descendants(c)...)
	}
	return out
}

func children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
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
