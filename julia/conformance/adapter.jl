# The conformance adapter (protocol 1): evaluate cases, print JSON, judge nothing.
#
#     julia julia/conformance/adapter.jl describe
#     julia julia/conformance/adapter.jl run IN.json
#
# The harness strips the expectations, runs this, and compares (DESIGN §4). Only
# RosettaGrad's exported API is used; this file mirrors the Python adapter,
# python/src/rosettagrad/conformance.py, function by function.
#
# It needs nothing but a `julia` (>= 1.5): no registry, no Pkg environment. The
# package is this repository's julia/ folder, put first on LOAD_PATH, and the
# JSON reader and writer is json.jl beside this file (Base only).

const PACKAGE_DIR = normpath(joinpath(@__DIR__, ".."))
pushfirst!(LOAD_PATH, PACKAGE_DIR)
using RosettaGrad
include(joinpath(@__DIR__, "json.jl"))

const PROTOCOL = 1

# Every feature of conformance/features.json: the port implements all of them.
const FEATURES = [
    "op.add", "op.sub", "op.mul", "op.div", "op.neg", "op.pow",
    "op.relu", "op.tanh", "op.exp", "op.log", "op.sigmoid",
    "graph.const", "graph.reuse", "graph.deep", "graph.wide",
    "backward.repeat", "ieee.nonfinite",
    "mlp", "act.tanh", "act.relu", "act.sigmoid", "act.linear",
    "loss.mse", "loss.sse", "loss.hinge", "reg.l2",
    "train.sgd", "train.sgd.momentum", "train.weight_decay", "train.adam",
    "init.seed", "init.seed.u64",
    "reject", "reject.value", "reject.op", "reject.module", "reject.seed", "reject.call",
    "reject.optimizer", "reject.loss", "reject.memory",
]

"""A case-file number: a JSON number or one of "nan", "inf", "-inf"."""
function number(x)
    if x isa AbstractString
        x == "nan" && return NaN
        x == "inf" && return Inf
        x == "-inf" && return -Inf
    end
    (x isa Real && !(x isa Bool)) ||
        throw(ArgumentError("expected a number or \"nan\"/\"inf\"/\"-inf\", got $(repr(x))"))
    return Float64(x)
end

"""JSON has no NaN or infinities: they travel as strings."""
function encode(x::Float64)
    isnan(x) && return "nan"
    isinf(x) && return x > 0 ? "inf" : "-inf"
    return x
end

# ---- expr: a straight-line program over Values ----

const BINARY = Dict{String,Function}("add" => +, "sub" => -, "mul" => *, "div" => /)
const UNARY = Dict{String,Function}(
    "neg" => -, "relu" => relu, "tanh" => tanh, "exp" => exp, "log" => log, "sigmoid" => sigmoid,
)

# A name is a Value defined earlier; a number is a constant the engine wraps.
function operand(env::Dict{String,Value}, a)
    if a isa AbstractString
        haskey(env, a) || throw(ArgumentError("name $(repr(a)) is used before it is defined"))
        return env[a]
    end
    return number(a)
end

function run_expr(case)
    env = Dict{String,Value}()
    for (name, x) in case["inputs"]
        env[name] = Value(number(x); label=name)
    end
    for op in case["ops"]
        name, opname, args = op[1], op[2], op[3:end]
        haskey(env, name) && throw(ArgumentError("name $(repr(name)) is defined twice"))
        if haskey(BINARY, opname)
            length(args) == 2 || throw(ArgumentError("op $(repr(name)): $opname takes 2 operands"))
            a, b = operand(env, args[1]), operand(env, args[2])
            (a isa Value || b isa Value) ||
                throw(ArgumentError("op $(repr(name)): at least one operand must be a name"))
            out = BINARY[opname](a, b)
        elseif haskey(UNARY, opname)
            length(args) == 1 || throw(ArgumentError("op $(repr(name)): $opname takes 1 operand"))
            out = UNARY[opname](operand(env, args[1]))
        elseif opname == "pow"
            length(args) == 2 || throw(ArgumentError("op $(repr(name)): pow takes a base and an exponent"))
            out = operand(env, args[1])^number(args[2])
        else
            throw(ArgumentError("unknown op $(repr(opname))"))
        end
        out isa Value || throw(ArgumentError("op $(repr(name)): its operand must be a name"))
        env[name] = out
    end
    output = env[case["output"]]
    for _ in 1:get(case, "backward_calls", 1)
        backward!(output)
    end
    grads = Dict{String,Any}(name => encode(v.grad) for (name, v) in env)
    return Dict{String,Any}("value" => encode(output.data), "grads" => grads)
end

# ---- mlp, train, init: the nn layer ----

function build_model(case)
    m = case["model"]
    # The seed only makes construction deterministic; the case's parameters replace it.
    model = MLP(m["nin"], m["nouts"];
                activation=m["activation"], output_activation=m["output_activation"], seed=0)
    params = parameters(model)
    values = case["parameters"]
    length(values) == length(params) || throw(DimensionMismatch(
        "model has $(length(params)) parameters, case gives $(length(values))"))
    for (p, x) in zip(params, values)
        p.data = number(x)
    end
    return model
end

"""The outputs (rows of K Values) and the case's loss (SPEC §2.5)."""
function forward_loss(model, case)
    outs = [model(Float64[number(x) for x in row]) for row in case["inputs"]]
    rows = Vector{Value}[out isa Value ? Value[out] : out for out in outs]
    k = isempty(rows) ? 0 : length(rows[1])
    targets = Vector{Float64}[Float64[number(t) for t in row] for row in case["targets"]]
    if k == 1
        preds = Value[row[1] for row in rows]
        targs = Float64[row[1] for row in targets]
    else
        preds, targs = rows, targets
    end
    spec = case["loss"]
    name = spec["name"]
    if name == "mse"
        loss = mse_loss(preds, targs)
    elseif name == "sse"
        loss = sse_loss(preds, targs)
    elseif name == "hinge"
        loss = hinge_loss(preds, targs)
    else
        throw(ArgumentError("unknown loss $(repr(name))"))
    end
    l2 = number(get(spec, "l2", 0))
    if l2 != 0
        loss = loss + l2 * l2_penalty(parameters(model))
    end
    return rows, loss
end

function run_mlp(case)
    model = build_model(case)
    rows, loss = forward_loss(model, case)
    backward!(loss)
    return Dict{String,Any}(
        "outputs" => Any[Any[encode(v.data) for v in row] for row in rows],
        "loss" => encode(loss.data),
        "grads" => Any[encode(p.grad) for p in parameters(model)],
    )
end

function make_optimizer(params, spec)
    wd = number(get(spec, "weight_decay", 0.0))
    if spec["name"] == "sgd"
        return SGD(params, number(spec["lr"]); momentum=number(get(spec, "momentum", 0.0)), weight_decay=wd)
    elseif spec["name"] == "adam"
        betas = (number(get(spec, "beta1", 0.9)), number(get(spec, "beta2", 0.999)))
        return Adam(params, number(spec["lr"]);
                    betas=betas, eps=number(get(spec, "eps", 1e-8)), weight_decay=wd)
    end
    throw(ArgumentError("unknown optimizer $(repr(spec["name"]))"))
end

function run_train(case)
    model = build_model(case)
    params = parameters(model)
    opt = make_optimizer(params, case["optimizer"])
    losses = Any[]
    for _ in 1:case["steps"]
        zero_grad!(opt)
        _, loss = forward_loss(model, case)
        push!(losses, encode(loss.data))
        backward!(loss)
        step!(opt)
    end
    return Dict{String,Any}("losses" => losses, "parameters" => Any[encode(p.data) for p in params])
end

function run_init(case)
    m = case["model"]
    seed = parse(UInt64, case["seed"])  # a decimal string: exact for every 64-bit seed
    model = MLP(m["nin"], m["nouts"];
                activation=m["activation"], output_activation=m["output_activation"], seed=seed)
    return Dict{String,Any}("parameters" => Any[encode(p.data) for p in parameters(model)])
end

# ---- reject: a call that must fail (SPEC §4.5) ----

"""A call's argument as the nearest Julia value: JSON as the reader gives it, except
{"\$value": x} (a Value), {"\$num": "nan"} (a non-finite Float64), {"\$int": "digits"}."""
function reject_arg(x)
    if x isa AbstractDict
        ks = collect(keys(x))
        ks == ["\$value"] && return Value(number(x["\$value"]))
        ks == ["\$num"] && return number(x["\$num"])
        ks == ["\$int"] && return parse(BigInt, x["\$int"])
        return Dict{String,Any}(k => reject_arg(v) for (k, v) in x)
    end
    x isa AbstractVector && return Any[reject_arg(v) for v in x]
    return x
end

const REJECT_OPS = Dict{String,Function}("add" => +, "sub" => -, "mul" => *, "div" => /, "pow" => ^)
const REJECT_LOSSES = Dict{String,Function}("mse" => mse_loss, "sse" => sse_loss, "hinge" => hinge_loss)

"""The call under test, built from its description but not yet made."""
function reject_call(call)
    a = Dict{String,Any}(k => reject_arg(v) for (k, v) in call if k != "api")
    api = call["api"]
    kw(names...) = [Symbol(n) => a[n] for n in names if haskey(a, n)]
    if api == "value"
        return () -> Value(a["data"])
    elseif api == "op"
        left = Value(2.0)
        return () -> REJECT_OPS[a["op"]](left, a["operand"])
    elseif api == "neuron"
        return () -> Neuron(a["nin"], get(a, "activation", :tanh))
    elseif api == "layer"
        return () -> Layer(a["nin"], a["nout"], get(a, "activation", :tanh))
    elseif api == "mlp"
        return () -> MLP(a["nin"], a["nouts"]; kw("activation", "output_activation", "seed")...)
    elseif api == "call"
        model = reject_call(call["module"])()  # a module the ports build: not under test
        return () -> model(a["input"])
    elseif api == "sgd"
        return () -> SGD(a["params"], a["lr"]; kw("momentum", "weight_decay")...)
    elseif api == "adam"
        opts = kw("lr", "eps", "weight_decay")
        if haskey(a, "beta1") || haskey(a, "beta2")
            push!(opts, :betas => (get(a, "beta1", 0.9), get(a, "beta2", 0.999)))
        elseif haskey(a, "betas")
            betas = a["betas"]  # a list is the pair, a Tuple as Julia writes one
            push!(opts, :betas => betas isa AbstractVector ? Tuple(betas) : betas)
        end
        return () -> Adam(a["params"]; opts...)
    elseif api == "loss"
        return () -> REJECT_LOSSES[a["name"]](a["predictions"], a["targets"])
    end
    throw(ArgumentError("unknown api $(repr(api))"))
end

"""What the call threw (the exception's type name) and its message; raised nothing if
it returned. The harness judges the class (SPEC §4.5)."""
function run_reject(case)
    call = reject_call(case["call"])
    out = try
        call()
    catch e
        e isa InterruptException && rethrow()
        return Dict{String,Any}("raised" => string(nameof(typeof(e))), "message" => sprint(showerror, e))
    end
    return Dict{String,Any}("raised" => nothing, "message" => "the call returned $(typeof(out))")
end

const KINDS = Dict{String,Function}(
    "expr" => run_expr, "mlp" => run_mlp, "train" => run_train, "init" => run_init,
    "reject" => run_reject,
)

"""One result; a bad case is an error result, never a crash of the adapter."""
function run_case(case)
    case_id = case isa AbstractDict ? get(case, "id", nothing) : nothing
    try
        kind = case["kind"]
        haskey(KINDS, kind) || throw(ArgumentError("unknown kind $(repr(kind))"))
        return Dict{String,Any}("id" => case_id, "status" => "ok", "actual" => KINDS[kind](case))
    catch e
        e isa InterruptException && rethrow()
        return Dict{String,Any}("id" => case_id, "status" => "error", "message" => sprint(showerror, e))
    end
end

"""The `version = "..."` line of the package's Project.toml (`pkgversion` needs Julia 1.9)."""
function package_version()
    for line in eachline(joinpath(PACKAGE_DIR, "Project.toml"))
        m = match(r"^version\s*=\s*\"([^\"]+)\"", line)
        m === nothing || return String(m.captures[1])
    end
    return "unknown"
end

function describe()
    return Dict{String,Any}(
        "protocol" => PROTOCOL,
        "implementation" => Dict{String,Any}(
            "name" => "julia",
            "language" => "julia",
            "version" => package_version(),
        ),
        "features" => FEATURES,
    )
end

"""IN.json itself is unusable: the adapter says why and exits 2, no stack trace."""
struct BadInput <: Exception
    msg::String
end

"""The cases of IN.json, or BadInput naming what is wrong with the document."""
function read_input(path::AbstractString)
    text = try
        read(path, String)
    catch e
        e isa SystemError || rethrow()
        throw(BadInput("cannot read $path: $(Libc.strerror(e.errnum))"))
    end
    doc = try
        CaseJSON.parse(text)
    catch e
        e isa ArgumentError || rethrow()
        throw(BadInput("$path is not valid JSON: $(e.msg)"))
    end
    doc isa AbstractDict ||
        throw(BadInput("$path: expected a JSON object, got $(nameof(typeof(doc)))"))
    protocol = get(doc, "protocol", nothing)
    protocol == PROTOCOL ||
        throw(BadInput("$path: protocol $(repr(protocol)), this adapter speaks $PROTOCOL"))
    cases = get(doc, "cases", nothing)
    cases isa AbstractVector || throw(BadInput("$path: field `cases` must be a list of cases"))
    return cases
end

function run_cases(path::AbstractString)
    return Dict{String,Any}("protocol" => PROTOCOL, "results" => Any[run_case(c) for c in read_input(path)])
end

function main(args)
    if length(args) == 1 && args[1] == "describe"
        out = describe()
    elseif length(args) == 2 && args[1] == "run"
        out = try
            run_cases(args[2])
        catch e
            e isa BadInput || rethrow()
            println(stderr, "error: ", e.msg)
            return 2
        end
    else
        println(stderr, "usage: julia julia/conformance/adapter.jl describe | run IN.json")
        return 2
    end
    print(stdout, CaseJSON.json(out))
    println(stdout)
    return 0
end

exit(main(ARGS))
