// /metrics in Prometheus' text format: requests by route and status, their latency, batch sizes and the queue depth,
// plus the process's own (memory, CPU, event-loop lag). A registry per server, so two servers in a process do not mix.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export class ServerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({ name: "tfjs_studio_requests_total", help: "HTTP requests by route and status code", labelNames: ["route", "status"] as const, registers: [this.registry] });
  private readonly latency = new Histogram({
    name: "tfjs_studio_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly batchSizes = new Histogram({
    name: "tfjs_studio_batch_size",
    help: "Instances a model batch",
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  constructor(queueDepth: () => number) {
    new Gauge({ name: "tfjs_studio_queue_depth", help: "Instances waiting for a batch", registers: [this.registry], collect: function () {
      this.set(queueDepth());
    } });
    collectDefaultMetrics({ register: this.registry });
  }

  request(route: string, status: number, seconds: number): void {
    this.requests.inc({ route, status: String(status) });
    this.latency.observe({ route }, seconds);
  }

  batch(size: number): void {
    this.batchSizes.observe(size);
  }
}
