package io.pushlab.loadlab;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.pushlab.technique.Technique;
import org.HdrHistogram.Histogram;

/**
 * One technique's measurement: connects every receiver (a bounded number of attempts in
 * flight), samples the server, publishes at the asked rate, waits for the last
 * deliveries, disconnects and computes the {@link RunResult}. Uses a fresh room, so runs
 * never see each other's messages.
 */
final class LoadRun {

	/** Percentiles plotted in the report's latency chart. */
	static final double[] PLOTTED = { 0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100 };

	private final LoadLabOptions options;

	private final Technique technique;

	private final PrintStream progress;

	private final String tag;

	private final Tracker tracker;

	private final AtomicInteger connected = new AtomicInteger();

	private final AtomicInteger connectFailures = new AtomicInteger();

	private final AtomicReference<String> phase = new AtomicReference<>("connecting");

	private volatile ServerMetrics.Sample peak = ServerMetrics.Sample.NONE;

	private volatile ServerMetrics.Sample latestSample = ServerMetrics.Sample.NONE;

	private volatile Publisher publisher;

	LoadRun(LoadLabOptions options, Technique technique, PrintStream progress) {
		this(options, technique, progress,
				"ll-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, 0x7fffffff)) + "-"
						+ technique.key());
	}

	/**
	 * @param room the room to use, which also tags every message's nonce
	 */
	LoadRun(LoadLabOptions options, Technique technique, PrintStream progress, String room) {
		this.options = options;
		this.technique = technique;
		this.progress = progress;
		this.tag = room;
		this.tracker = new Tracker(this.tag, options.warmup(), options.messages());
	}

	RunResult run() throws InterruptedException {
		NioLoops loops = new NioLoops(this.options.selectorThreads());
		ExecutorService control = Executors.newFixedThreadPool(2, daemon("loadlab-publisher-"));
		ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(daemon("loadlab-sampler-"));
		HttpClient controlHttp = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(10))
			.executor(control)
			.build();
		ServerMetrics metrics = new ServerMetrics(controlHttp, this.options.target(), this.options.serverPid());
		URI target = this.options.target();
		int port = (target.getPort() > 0) ? target.getPort() : 80;
		String host = target.getHost();
		String address = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
		LoadClient.Context context = new LoadClient.Context(loops, new InetSocketAddress(address, port),
				target.getHost() + ":" + port, this.tag, this.tag, this.options);
		List<LoadClient> clients = new ArrayList<>(this.options.clients());
		try {
			long cpuStart = processCpuNanos();
			long runStart = System.nanoTime();
			ServerMetrics.Sample before = metrics.sample();
			this.peak = before;
			sampler.scheduleWithFixedDelay(() -> sample(metrics), 1, 1, TimeUnit.SECONDS);

			long connectStart = System.nanoTime();
			connectAll(context, clients);
			double connectSeconds = (System.nanoTime() - connectStart) / 1e9;

			this.phase.set("connected");
			ServerMetrics.Sample idle = metrics.sample();
			this.peak = max(this.peak, idle);

			Warmup warmup = warmUp(controlHttp, metrics, idle);

			this.phase.set("publishing");
			Publisher publisher = new Publisher(controlHttp, this.options.target(), this.tag, this.tag,
					this.options.payload(), this.tracker);
			this.publisher = publisher;
			long publishStart = System.nanoTime();
			long publishCpu = processCpuNanos();
			long[] publishLoopCpu = loops.cpuNanos();
			awaitAnswers(publisher.run(this.options.rate()));

			this.phase.set("draining");
			long expected = (long) this.connected.get() * publisher.accepted.get();
			awaitDeliveries(this.tracker.unique, expected);
			long lastArrival = this.tracker.lastArrival.get();
			double generatorBusy = busy(System.nanoTime() - publishStart, processCpuNanos() - publishCpu,
					publishLoopCpu, loops.cpuNanos());
			this.phase.set("done");
			for (LoadClient client : clients) {
				client.stop();
			}
			sampler.shutdownNow();
			ServerMetrics.Sample after = metrics.sample();
			this.peak = max(this.peak, after);
			printProgress();
			RunResult result = result(connectSeconds, publishStart, lastArrival, expected, publisher, before, idle,
					warmup, after, (processCpuNanos() - cpuStart) / 1e9, (System.nanoTime() - runStart) / 1e9,
					generatorBusy, loops.size());
			return result;
		}
		finally {
			for (LoadClient client : clients) {
				client.stop();
			}
			sampler.shutdownNow();
			loops.close();
			control.shutdownNow();
		}
	}

	/** What the warm-up cost, left out of the run's figures. */
	private record Warmup(long requests, long bytes, ServerMetrics.Sample measuredFrom, double serverCpuSeconds) {
	}

	/**
	 * Publishes the warm-up messages at the run's rate and waits (at most the drain time)
	 * until every receiver has them, so the measured messages meet compiled code on both
	 * sides.
	 */
	private Warmup warmUp(HttpClient controlHttp, ServerMetrics metrics, ServerMetrics.Sample idle)
			throws InterruptedException {
		if (this.options.warmup() == 0) {
			return new Warmup(0, 0, idle, 0);
		}
		this.phase.set("warming up");
		long requests = this.tracker.requests.sum();
		long bytes = this.tracker.bytes.sum();
		Publisher warm = new Publisher(controlHttp, this.options.target(), this.tag, this.tag, this.options.payload(),
				this.tracker);
		awaitAnswers(warm.run(0, this.options.warmup(), this.options.rate()));
		awaitDeliveries(this.tracker.warmupDelivered, (long) this.connected.get() * warm.accepted.get());
		ServerMetrics.Sample measuredFrom = metrics.sample();
		this.peak = max(this.peak, measuredFrom);
		return new Warmup(this.tracker.requests.sum() - requests, this.tracker.bytes.sum() - bytes, measuredFrom,
				measuredFrom.cpuSeconds() - idle.cpuSeconds());
	}

	/** Waits (bounded) for every publish to be answered; failures are counted. */
	private static void awaitAnswers(CompletableFuture<Void> answered) throws InterruptedException {
		try {
			answered.get(60, TimeUnit.SECONDS);
		}
		catch (TimeoutException | java.util.concurrent.ExecutionException ex) {
			// counted as publish failures; their messages are not waited for
		}
	}

	/** The longest a run waits for late deliveries while they still arrive. */
	static final Duration MAX_DRAIN = Duration.ofMinutes(2);

	/**
	 * Waits until {@code delivered} reaches {@code expected}, or until nothing more has
	 * arrived for the drain time: a server that is seconds behind but still delivering is
	 * waited for (up to {@link #MAX_DRAIN}), so what counts as lost was not coming.
	 */
	private void awaitDeliveries(LongAdder delivered, long expected) throws InterruptedException {
		awaitDeliveries(delivered, expected, this.options.drain(), MAX_DRAIN);
	}

	/**
	 * Waits until {@code delivered} reaches {@code expected}, or has not grown for
	 * {@code quietFor}, or {@code max} has passed.
	 * @return the deliveries counted at the end
	 */
	static long awaitDeliveries(LongAdder delivered, long expected, Duration quietFor, Duration max)
			throws InterruptedException {
		long quiet = quietFor.toNanos();
		long now = System.nanoTime();
		long hardDeadline = now + Math.max(quiet, max.toNanos());
		long deadline = now + quiet;
		long seen = delivered.sum();
		while (seen < expected && now < deadline) {
			TimeUnit.MILLISECONDS.sleep(20);
			long count = delivered.sum();
			now = System.nanoTime();
			if (count > seen) {
				seen = count;
				deadline = Math.min(hardDeadline, now + quiet);
			}
		}
		return seen;
	}

	private void connectAll(LoadClient.Context context, List<LoadClient> clients) throws InterruptedException {
		Semaphore inFlight = new Semaphore(this.options.connectConcurrency());
		long deadline = System.nanoTime() + this.options.connectTimeout().toNanos();
		for (int i = 0; i < this.options.clients(); i++) {
			if (!inFlight.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				break;
			}
			LoadClient client = LoadClient.create(this.technique, context, this.tracker.receiver(), this.tracker, i);
			clients.add(client);
			client.start().whenComplete((ok, ex) -> {
				if (ex == null) {
					this.connected.incrementAndGet();
				}
				else if (this.phase.get().equals("connecting")) {
					this.connectFailures.incrementAndGet();
				}
				inFlight.release();
			});
		}
		while (this.connected.get() + this.connectFailures.get() < clients.size() && System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(10);
		}
	}

	private void sample(ServerMetrics metrics) {
		try {
			ServerMetrics.Sample sample = metrics.sample();
			this.latestSample = sample;
			this.peak = max(this.peak, sample);
			if (this.options.progress()) {
				printProgress();
			}
		}
		catch (RuntimeException ex) {
			// keep sampling
		}
	}

	private void printProgress() {
		if (!this.options.progress()) {
			return;
		}
		Publisher p = this.publisher;
		Histogram snapshot = this.tracker.latency().copy();
		ServerMetrics.Sample s = this.latestSample;
		String server = Double.isNaN(s.cpuSeconds()) && Double.isNaN(s.heapBytes()) && Double.isNaN(s.rssBytes())
				? "server n/a"
				: String.format(Locale.ROOT, "server cpu %s heap %s rss %s threads %s",
						TextReport.seconds(s.cpuSeconds()), TextReport.mb(s.heapBytes()), TextReport.mb(s.rssBytes()),
						TextReport.num(s.threads()));
		this.progress.printf(Locale.ROOT,
				"[%s] %-10s connected %d/%d  published %d/%d  delivered %d  p99 %.1f ms  errors %d  %s%n",
				this.technique.key(), this.phase.get(), this.connected.get(), this.options.clients(),
				(p != null) ? p.sent.get() : 0, this.options.messages(), this.tracker.unique.sum(),
				snapshot.getValueAtPercentile(99) / 1000.0, this.tracker.errors.sum(), server);
	}

	private RunResult result(double connectSeconds, long publishStart, long lastArrival, long expected,
			Publisher publisher, ServerMetrics.Sample before, ServerMetrics.Sample idle, Warmup warmup,
			ServerMetrics.Sample after, double generatorCpuSeconds, double runSeconds, double generatorBusy,
			int ioThreads) {
		Histogram h = this.tracker.latency().copy();
		List<double[]> distribution = new ArrayList<>();
		if (h.getTotalCount() > 0) {
			for (double percentile : PLOTTED) {
				distribution.add(new double[] { percentile, h.getValueAtPercentile(percentile) / 1000.0 });
			}
		}
		RunResult.Latency latency = new RunResult.Latency(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
				h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
				h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getMean() / 1000.0, distribution);
		long delivered = this.tracker.unique.sum();
		double seconds = (lastArrival > publishStart) ? (lastArrival - publishStart) / 1e9 : Double.NaN;
		long bytes = this.tracker.bytes.sum() - warmup.bytes();
		RunResult.Server server = new RunResult.Server(
				after.cpuSeconds() - before.cpuSeconds() - warmup.serverCpuSeconds(),
				after.cpuSeconds() - warmup.measuredFrom().cpuSeconds(), before.heapBytes(), idle.heapBytes(),
				this.peak.heapBytes(), before.rssBytes(), idle.rssBytes(), this.peak.rssBytes(), this.peak.threads());
		return new RunResult(this.technique.key(), this.options.clients(), this.connected.get(), connectSeconds,
				this.options.rate(), this.options.messages(), this.options.payload(),
				publisher.sent.get() - publisher.accepted.get(), expected, delivered, Math.max(0, expected - delivered),
				this.tracker.duplicates.sum(), this.tracker.outOfOrder.sum(), this.tracker.errors.sum(), latency,
				delivered / seconds, this.tracker.requests.sum() - warmup.requests(), bytes,
				(delivered > 0) ? (double) bytes / delivered : Double.NaN, server, generatorCpuSeconds, runSeconds,
				generatorBusy, ioThreads, this.tracker.errorCauses());
	}

	/**
	 * How busy the generator was while it measured, 0 to 1: its process CPU time over the
	 * wall time of the CPUs it may use, or the busiest selector thread's share of one CPU
	 * when that is higher (one saturated selector thread is the limit even when another
	 * CPU is idle). NaN when the JVM cannot say.
	 */
	static double busy(long wallNanos, long processCpuNanos, long[] loopCpuBefore, long[] loopCpuAfter) {
		if (wallNanos <= 0 || processCpuNanos < 0) {
			return Double.NaN;
		}
		double busy = processCpuNanos / ((double) wallNanos * Runtime.getRuntime().availableProcessors());
		for (int i = 0; i < loopCpuBefore.length; i++) {
			if (loopCpuBefore[i] >= 0 && loopCpuAfter[i] >= 0) {
				busy = Math.max(busy, (loopCpuAfter[i] - loopCpuBefore[i]) / (double) wallNanos);
			}
		}
		return busy;
	}

	private static long processCpuNanos() {
		if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
			return os.getProcessCpuTime();
		}
		return -1;
	}

	private static ServerMetrics.Sample max(ServerMetrics.Sample a, ServerMetrics.Sample b) {
		return new ServerMetrics.Sample(b.cpuSeconds(), maxKnown(a.heapBytes(), b.heapBytes()),
				maxKnown(a.rssBytes(), b.rssBytes()), maxKnown(a.threads(), b.threads()));
	}

	private static double maxKnown(double a, double b) {
		if (Double.isNaN(a)) {
			return b;
		}
		return Double.isNaN(b) ? a : Math.max(a, b);
	}

	private static java.util.concurrent.ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

}
