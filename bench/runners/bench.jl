# The Julia bench runner (impl `julia`): measures one workload, prints one JSON line.
#
#   julia bench/runners/bench.jl WORKLOAD [--moons PATH] [--warmup N] [--repeat N] [--size N] [--steps N]
#
# Workloads and output are the protocol of bench/README.md; bench/run.py is the
# harness. Like the conformance adapter it needs nothing but a `julia` (>= 1.5):
# the package is the repository's julia/ folder, put first on LOAD_PATH, and the
# JSON reader and writer is julia/conformance/json.jl (Base only).
# The warm-up steps also absorb Julia's compilation of the code they run.

const ROOT = normpath(joinpath(@__DIR__, "..", ".."))
pushfirst!(LOAD_PATH, joinpath(ROOT, "julia"))
using RosettaGrad
include(joinpath(ROOT, "julia", "conformance", "json.jl"))

const WORKLOADS = ("moons", "chain", "wide", "memory")
const L2 = 1e-4

function fail(message)
    println(stderr, "bench.jl: ", message)
    exit(2)
end

function parse_args(args)
    opts = Dict{String,Any}(
        "workload" => nothing,
        "moons" => joinpath(ROOT, "conformance", "data", "moons.json"),
        "warmup" => 2,
        "repeat" => 5,
        "size" => 1_000_000,
        "steps" => 1000,
    )
    i = 1
    while i <= length(args)
        arg = args[i]
        if startswith(arg, "--")
            name = arg[3:end]
            (haskey(opts, name) && name != "workload") || fail("unknown option $arg")
            i < length(args) || fail("$arg needs a value")
            value = args[i+1]
            i += 2
            if name == "moons"
                opts[name] = abspath(value)
            else
                n = tryparse(Int, value)
                (n === nothing || n < 0) && fail("$arg needs a non-negative integer, got $(repr(value))")
                opts[name] = n
            end
        elseif opts["workload"] === nothing
            opts["workload"] = arg
            i += 1
        else
            fail("unexpected argument $(repr(arg))")
        end
    end
    opts["workload"] in WORKLOADS ||
        fail("usage: bench.jl $(join(WORKLOADS, "|")) [--moons PATH] [--warmup N] [--repeat N] [--size N] [--steps N]")
    return opts
end

# micrograd's demo: MLP(2, [16, 16, 1], relu), hinge + 1e-4·L2, SGD with a decaying lr.
mutable struct MoonsTrainer
    X::Vector{Vector{Float64}}
    y::Vector{Float64}
    model::MLP
    params::Vector{Value}
    k::Int
end

function MoonsTrainer(path::AbstractString)
    data = CaseJSON.parse(read(path, String))
    X = Vector{Float64}[Float64[Float64(v) for v in row] for row in data["X"]]
    y = Float64[Float64(v) for v in data["y"]]
    model = MLP(2, [16, 16, 1]; activation=:relu, seed=1337)
    return MoonsTrainer(X, y, model, parameters(model), 0)
end

# One step: forward, loss, zero_grad, backward, update. Returns the loss node.
function step_once!(t::MoonsTrainer)
    scores = Value[t.model(x) for x in t.X]
    loss = hinge_loss(scores, t.y) + L2 * l2_penalty(t.params)
    zero_grad!(t.model)
    backward!(loss)
    lr = 1.0 - 0.9 * t.k / 100
    for p in t.params
        p.data = p.data - lr * p.grad
    end
    t.k += 1
    return loss
end

function chain_run(size::Int)
    x = Value(1.0)
    c = Value(0.999999)
    y = x
    for _ in 1:size
        y = y * c
    end
    backward!(y)
    return y
end

function wide_run(size::Int)
    level = Value[Value(i / size) * Value(1 - i / size) for i in 0:size-1]
    while length(level) > 1
        next_level = Value[]
        for j in 1:2:length(level)-1
            push!(next_level, level[j] + level[j+1])
        end
        isodd(length(level)) && push!(next_level, level[end])
        level = next_level
    end
    backward!(level[1])
    return level[1]
end

# Nodes in root's graph: the length of its topological order.
count_nodes(root::Value) = length(RosettaGrad._topological_order(root))

# `warmup` unmeasured runs, then `repeat` measured ones; the times and the last result.
function timed(one_run, warmup::Int, repeat::Int)
    result = nothing
    for _ in 1:warmup
        result = one_run()
    end
    times = Float64[]
    for _ in 1:repeat
        t0 = time_ns()
        result = one_run()
        push!(times, (time_ns() - t0) / 1e9)
    end
    return times, result
end

function rss_mb()
    for line in eachline("/proc/self/status")
        if startswith(line, "VmRSS:")
            return parse(Int, split(line)[2]) / 1024
        end
    end
    error("no VmRSS line in /proc/self/status")
end

function main(args)
    opts = parse_args(args)
    workload = opts["workload"]
    if workload == "moons"
        trainer = MoonsTrainer(opts["moons"])
        times, root = timed(() -> step_once!(trainer), opts["warmup"], opts["repeat"])
        result = Dict{String,Any}("times" => times, "nodes" => root === nothing ? 0 : count_nodes(root))
    elseif workload == "chain" || workload == "wide"
        n = opts["size"]
        one_run = workload == "chain" ? () -> chain_run(n) : () -> wide_run(n)
        times, root = timed(one_run, opts["warmup"], opts["repeat"])
        result = Dict{String,Any}("times" => times, "nodes" => root === nothing ? 0 : count_nodes(root))
    else
        trainer = MoonsTrainer(opts["moons"])
        rss_start = rss_mb()  # data loaded, model made; no step's graph (nor its compiled code) yet
        rss100 = nothing
        for i in 1:opts["steps"]
            step_once!(trainer)
            i == min(100, opts["steps"]) && (rss100 = rss_mb())
        end
        result = Dict{String,Any}(
            "rss_mb_start" => rss_start, "rss_mb_100" => rss100, "rss_mb_1000" => rss_mb()
        )
    end
    println(stdout, CaseJSON.json(result))
    return 0
end

try
    exit(main(ARGS))
catch err
    err isa InterruptException && rethrow()
    println(stderr, "bench.jl: ", sprint(showerror, err))
    exit(1)
end
