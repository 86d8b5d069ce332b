package schedule

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics live in a registry of their own, so that two daemons in one
// process (tests) or a library user's registry never collide.
type metrics struct {
	reg         *prometheus.Registry
	runs        *prometheus.CounterVec
	failures    *prometheus.CounterVec
	skipped     *prometheus.CounterVec
	dropped     *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	lastSuccess *prometheus.GaugeVec
	running     *prometheus.GaugeVec
	deliveries  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "harborscript_schedule_runs_total",
			Help: "Runs finished, by job and outcome (success, error, timeout, canceled)."}, []string{"job", "outcome"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "harborscript_schedule_failures_total",
			Help: "Runs that did not succeed, by job."}, []string{"job"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "harborscript_schedule_skipped_total",
			Help: "Runs not started because the previous one was still running (overlap: skip)."}, []string{"job"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "harborscript_schedule_dropped_total",
			Help: "Triggers dropped because the job's queue was full."}, []string{"job"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "harborscript_schedule_run_duration_seconds",
			Help:    "Wall time of runs, by job.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600}}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "harborscript_schedule_last_success_timestamp_seconds",
			Help: "Unix time at which the job last finished successfully."}, []string{"job"}),
		running: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "harborscript_schedule_running",
			Help: "Runs in progress, by job."}, []string{"job"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "harborscript_schedule_webhook_deliveries_total",
			Help: "Webhook deliveries by result (accepted, duplicate, dropped, rejected)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.runs, m.failures, m.skipped, m.dropped, m.duration, m.lastSuccess, m.running, m.deliveries)
	for _, r := range []string{"accepted", "duplicate", "dropped", "rejected"} {
		m.deliveries.WithLabelValues(r)
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}
