# RosettaGrad's tests: the behaviours python/tests checks, in the same order
# (engine, nn, losses, optimizers, SplitMix64 and seeded init, to_dot).
#
#     JULIA_LOAD_PATH="@:@stdlib" julia --project=julia julia/test/runtests.jl   (nox -s julia)

using Test
using RosettaGrad

# The exception `f()` throws, or `nothing` when it returns normally.
function thrown(f)
    try
        f()
    catch e
        return e
    end
    return nothing
end

# What a user sees for an exception: "ArgumentError: ...", "MethodError: ...".
message(e) = sprint(showerror, e)

# Does `text` mention `n` as a whole number (not as part of a longer one)?
mentions(text, n) = occursin(Regex("\\b$(n)\\b"), text)

central_difference(f, x; h=1e-6) = (f(x + h) - f(x - h)) / (2 * h)

function value_and_grad(f, x0)
    x = Value(x0)
    y = f(x)
    backward!(y)
    return y.data, x.grad
end

# An independent transcription of the DESIGN §3 formula, for the tests.
function splitmix(seed::UInt64, n::Integer)
    out = UInt64[]
    state = seed
    for _ in 1:n
        state += 0x9e3779b97f4a7c15
        z = state
        z = xor(z, z >> 30) * 0xbf58476d1ce4e5b9
        z = xor(z, z >> 27) * 0x94d049bb133111eb
        push!(out, xor(z, z >> 31))
    end
    return out
end

weight(k::UInt64) = -1 + 2 * (Float64(k >> 11) * 2.0^-53)

# Built in a function so that nothing but the returned WeakRef outlives it.
@noinline function chain_weakref(n)
    x = Value(1.0)
    c = Value(0.999999)
    y = x
    for _ in 1:n
        y = y * c
    end
    backward!(y)
    ok = isapprox(y.data, 0.999999^n; rtol=1e-9) &&
         isapprox(x.grad, 0.999999^n; rtol=1e-9) &&
         isapprox(c.grad, n * 0.999999^(n - 1); rtol=1e-9)
    return ok, WeakRef(y)
end

# A parameter with a gradient already in it, for the optimizer tests.
function param(data, grad)
    p = Value(data)
    p.grad = grad
    return p
end

@testset "RosettaGrad" begin

# ---------------------------------------------------------------- engine

@testset "unary op $name: value and grad match finite differences" for (name, op, ref, points) in [
    ("neg", v -> -v, x -> -x, [-2.0, 0.3, 5.0]),
    ("relu", relu, x -> max(x, 0.0), [-1.5, 0.7, 3.0]),
    ("tanh", tanh, tanh, [-2.0, 0.1, 1.3]),
    ("exp", exp, exp, [-3.0, 0.0, 2.5]),
    ("log", log, log, [0.2, 1.0, 7.5]),
    ("sigmoid", sigmoid, x -> 1 / (1 + exp(-x)), [-4.0, 0.0, 2.0]),
    ("pow3", v -> v^3, x -> x^3, [-1.5, 0.5, 2.0]),
    ("pow-1", v -> v^-1, x -> 1 / x, [-2.0, 0.5, 4.0]),
    ("pow0.5", v -> v^0.5, sqrt, [0.3, 2.0, 9.0]),
    ("pow2.5", v -> v^2.5, x -> x^2.5, [0.3, 1.0, 3.0]),
]
    for x0 in points
        x = Value(x0)
        y = op(x)
        backward!(y)
        @test isapprox(y.data, ref(x0); rtol=1e-12, atol=1e-12)
        @test isapprox(x.grad, central_difference(ref, x0); rtol=1e-6, atol=1e-7)
    end
end

@testset "binary op $name: value and grads match finite differences" for (name, op, points) in [
    ("add", (a, b) -> a + b, [(1.0, 2.0), (-3.5, 0.25)]),
    ("sub", (a, b) -> a - b, [(1.0, 2.0), (-3.5, 0.25)]),
    ("mul", (a, b) -> a * b, [(1.5, -2.0), (0.0, 3.0)]),
    ("div", (a, b) -> a / b, [(1.0, 2.0), (-3.0, 0.5)]),
]
    for (a0, b0) in points
        a, b = Value(a0), Value(b0)
        y = op(a, b)
        backward!(y)
        @test y.data == op(a0, b0)
        @test isapprox(a.grad, central_difference(t -> op(t, b0), a0); rtol=1e-6)
        @test isapprox(b.grad, central_difference(t -> op(a0, t), b0); rtol=1e-6)
    end
end

@testset "each op records its parents and op" begin
    a, b = Value(2.0; label="a"), Value(3.0; label="b")
    c = a * b
    @test [p.label for p in c._prev] == ["a", "b"]
    @test [p.data for p in c._prev] == [2.0, 3.0]
    @test c._op == "*"
    @test (a + b)._op == "+" && (a - b)._op == "-" && (a / b)._op == "/"
    @test (a^3)._op == "**3" && (-a)._op == "neg" && relu(a)._op == "relu"
    @test (a^-1)._op == "**-1" && (a^0.5)._op == "**0.5"
    @test tanh(a)._op == "tanh" && exp(a)._op == "exp" && log(a)._op == "log"
    @test sigmoid(a)._op == "sigmoid"
    @test a._op == "" && isempty(a._prev) && a.label == "a"
    # The local derivatives, parent by parent, in _prev's order.
    @test c._local_grads == [3.0, 2.0] && (a - b)._local_grads == [1.0, -1.0]
    @test (a^3)._local_grads == [12.0] && isempty(a._local_grads)
    @test :_prev in propertynames(c, true) && !(:_prev in propertynames(c))
    # a - b, -a and a / b are single nodes (SPEC §2.1), and so is x^-1.
    @test length((a - b)._prev) == 2 && length((a / b)._prev) == 2
    @test length((-a)._prev) == 1 && length((a^-1)._prev) == 1
end

@testset "plain numbers mix on either side" begin
    x = Value(4.0)
    @test (2 * x).data == 8.0 && (x * 2).data == 8.0
    @test (1 - x).data == -3.0 && (x - 1).data == 3.0
    @test (1 / x).data == 0.25 && (x / 2).data == 2.0
    @test (3 + x).data == 7.0 && (x + 3.5).data == 7.5
    @test (2x).data == 8.0               # a literal coefficient is a product too
    @test (x * (1 // 2)).data == 2.0     # any Real but Bool: Rational, Irrational...
    c = 2 * x
    @test c._prev[1]._op == "" && c._prev[1].data == 2.0  # the constant is a leaf
    y = 1 / x
    backward!(y)
    @test x.grad == -1 / 16
end

@testset "micrograd's sanity check" begin
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = relu(z) + z * x
    h = relu(z * z)
    y = h + q + q * x
    backward!(y)
    @test y.data == -20.0
    @test x.grad == 46.0
end

@testset "micrograd's more ops" begin
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b^3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + relu(b + a)
    d += 3 * d + relu(b - a)
    e = c - d
    f = e^2
    g = f / 2.0
    g += 10.0 / f
    backward!(g)
    tol = 1e-6
    @test abs(g.data - 24.70408163265306) < tol
    @test abs(a.grad - 138.83381924198252) < tol
    @test abs(b.grad - 645.5772594752186) < tol
end

@testset "a shared node accumulates" begin
    a = Value(3.0)
    b = a + a
    c = b * b  # c = 4a², dc/da = 8a
    backward!(c)
    @test c.data == 36.0
    @test b.grad == 12.0
    @test a.grad == 24.0
end

@testset "a diamond accumulates" begin
    x = Value(2.0)
    left, right = x * 3, exp(x)
    y = left * right  # y = 3x·e^x, dy/dx = 3e^x(1 + x)
    backward!(y)
    @test isapprox(x.grad, 3 * exp(2.0) * 3.0; rtol=1e-15)
end

# micrograd's recursive build_topo, the order SPEC §2.2 pins (small graphs only).
function micrograd_build_topo(root::Value)
    topo, visited = Value[], IdDict{Value,Nothing}()
    function build(v)
        haskey(visited, v) && return
        visited[v] = nothing
        foreach(build, v._prev)
        push!(topo, v)
    end
    build(root)
    return topo
end

@testset "the topological order is micrograd's build_topo on random graphs" begin
    for seed in 0:19
        rng = SplitMix64(seed)
        pick(xs) = xs[1 + floor(Int, RosettaGrad.random!(rng) * length(xs))]
        nodes = [Value(RosettaGrad.uniform!(rng, -2, 2)) for _ in 1:4]
        for _ in 1:40  # shared parents, x * x, unary ops
            a, b = pick(nodes), pick(nodes)
            push!(nodes, pick([() -> a + b, () -> a * b, () -> a - b, () -> a * a,
                               () -> tanh(a), () -> relu(a), () -> -a])())
        end
        for root in (nodes[end], nodes[end-1], nodes[length(nodes) ÷ 2])
            order = RosettaGrad._topological_order(root)
            expected = micrograd_build_topo(root)
            @test length(order) == length(expected) && all(order .=== expected)
        end
    end
end

@testset "x * x" begin
    x = Value(-1.5)
    y = x * x
    backward!(y)
    @test x.grad == -3.0
end

@testset "backward! $calls times multiplies leaf grads" for calls in (2, 3)
    a, b = Value(0.7), Value(-1.3)
    y = (a * b + tanh(a)) * b
    backward!(y)
    once_a, once_b = a.grad, b.grad
    mid = y._prev[1]
    once_mid = mid.grad
    for _ in 1:calls-1
        backward!(y)
    end
    @test a.grad == calls * once_a
    @test b.grad == calls * once_b
    @test mid.grad == once_mid  # interior nodes hold this call's gradient
    @test y.grad == 1.0
end

@testset "backward! on a leaf gives grad one and accumulates" begin
    x = Value(5.0)
    backward!(x)
    @test x.grad == 1.0
    backward!(x)
    @test x.grad == 2.0
end

@testset "zeroing a leaf's grad resets accumulation" begin
    x = Value(2.0)
    y = x * x
    backward!(y)
    backward!(y)
    @test x.grad == 8.0
    x.grad = 0.0
    backward!(y)
    @test x.grad == 4.0
end

@testset "backward! k times is k times backward! once" begin
    for a0 in (-2.5, -0.3, 0.0, 1.7), b0 in (-1.1, 0.4, 2.9), k in (2, 3)
        a, b = Value(a0), Value(b0)
        y = tanh(a * b + b) + (a - b) * a
        backward!(y)
        once = (a.grad, b.grad)
        for _ in 1:k-1
            backward!(y)
        end
        @test (a.grad, b.grad) == (k * once[1], k * once[2])
    end
end

@testset "a 1,000,000-op chain builds, backprops and is freed" begin
    ok, ref = chain_weakref(1_000_000)
    @test ok
    GC.gc(true)
    GC.gc(true)
    @test ref.value === nothing  # the GC freed the whole chain, no recursion
    # The control: while the chain is still referenced, its WeakRef holds it.
    ok, ref = chain_weakref(1_000)
    kept = ref.value
    GC.gc(true)
    @test ok && ref.value === kept && kept isa Value
end

# Julia's exp, log and tanh are its own code (ported from openlibm), not the C
# library's, so they may differ from glibc's (what Python, Rust and Node use
# here) in the last bits. Measured on 1.5.3: how far, and which one is nearer the
# exact value. The conformance tolerances (SPEC §5) must cover the distance.
@testset "Julia's exp, log, tanh vs the C library's: at most a few ulp" begin
    c_exp(x) = ccall(:exp, Float64, (Float64,), x)  # the process's libm (glibc on Linux)
    c_log(x) = ccall(:log, Float64, (Float64,), x)
    c_tanh(x) = ccall(:tanh, Float64, (Float64,), x)
    ulps(a, b) = abs(reinterpret(Int64, a) - reinterpret(Int64, b))
    rng = SplitMix64(2026)
    for (name, f, c, exact, lo, hi) in [
        ("exp", exp, c_exp, x -> exp(big(x)), -20.0, 20.0),
        ("log", log, c_log, x -> log(big(x)), 1e-3, 100.0),
        ("tanh", tanh, c_tanh, x -> tanh(big(x)), -5.0, 5.0),
    ]
        n, differ, worst, worst_exact = 20_000, 0, 0, 0
        for _ in 1:n
            x = RosettaGrad.uniform!(rng, lo, hi)
            a, b = f(x), c(x)
            differ += a != b
            worst = max(worst, ulps(a, b))
            worst_exact = max(worst_exact, ulps(a, Float64(exact(x))))
        end
        println("  Julia $name vs C $name: $differ of $n differ, at most $worst ulp apart; ",
                "Julia at most $worst_exact ulp from exact")
        @test worst <= 4
        @test worst_exact <= 2
    end
end

@testset "backward! is not recursive: a deep sum" begin
    x = Value(0.5)
    y = x
    for _ in 1:300_000
        y = y + 1e-6
    end
    backward!(y)
    @test x.grad == 1.0
end

# IEEE 754 specials: values and grads, never an exception (SPEC §2.1).
# isequal treats NaN as equal to NaN and tells -0.0 from 0.0, like Python's `same`.
@testset "IEEE special $label" for (label, f, x0, value, grad) in [
    ("exp(1000)", exp, 1000.0, Inf, Inf),
    ("exp(-1000)", exp, -1000.0, 0.0, 0.0),
    ("log(0)", log, 0.0, -Inf, Inf),
    ("log(-0)", log, -0.0, -Inf, -Inf),
    ("log(-1)", log, -1.0, NaN, -1.0),
    ("log(-inf)", log, -Inf, NaN, 0.0),  # local -0.0, but 0.0 + -0.0 is 0.0
    ("log(inf)", log, Inf, Inf, 0.0),
    ("1/0", v -> 1 / v, 0.0, Inf, -Inf),
    ("-1/0", v -> -1 / v, 0.0, -Inf, Inf),
    ("0/0", v -> v / 0, 0.0, NaN, Inf),
    ("0^-1", v -> v^-1, 0.0, Inf, -Inf),
    ("(-0)^-1", v -> v^-1, -0.0, -Inf, -Inf),
    ("(-8)^(1/3)", v -> v^(1 / 3), -8.0, NaN, NaN),
    ("(-1)^0.5", v -> v^0.5, -1.0, NaN, NaN),
    ("(-inf)^0.5", v -> v^0.5, -Inf, Inf, 0.0),
    ("(-8)^2", v -> v^2, -8.0, 64.0, -16.0),
    ("(-2)^-3", v -> v^-3, -2.0, -0.125, -0.1875),
    ("0^0", v -> v^0, 0.0, 1.0, 0.0),
    ("0^0.5", v -> v^0.5, 0.0, 0.0, Inf),
    ("inf^0", v -> v^0, Inf, 1.0, 0.0),
    ("nan^0", v -> v^0, NaN, 1.0, 0.0),
    ("10^400", v -> v^400, 10.0, Inf, Inf),
    ("(-10)^401", v -> v^401, -10.0, -Inf, Inf),
    ("relu(0)", relu, 0.0, 0.0, 0.0),
    ("relu(nan)", relu, NaN, NaN, 0.0),
    ("relu(-inf)", relu, -Inf, 0.0, 0.0),
    ("tanh(20)", tanh, 20.0, 1.0, 0.0),
    ("tanh(-20)", tanh, -20.0, -1.0, 0.0),
    ("tanh(nan)", tanh, NaN, NaN, NaN),
    ("sigmoid(-1000)", sigmoid, -1000.0, 0.0, 0.0),
    ("sigmoid(1000)", sigmoid, 1000.0, 1.0, 0.0),
    ("inf-inf", v -> v - v, Inf, NaN, 0.0),
    ("nan*2", v -> v * 2, NaN, NaN, 2.0),
]
    got_value, got_grad = value_and_grad(f, x0)
    @test isequal(got_value, value)
    @test isequal(got_grad, grad)
end

@testset "the chain rule does not mask 0 * Inf" begin
    # d/dx [0 · log(x)] at x = 0 is 0 · Inf = NaN: the local rule always multiplies.
    x = Value(0.0)
    y = log(x) * 0
    backward!(y)
    @test isnan(y.data)
    @test isnan(x.grad)
end

@testset "pow with exponent 0 has exactly zero derivative" begin
    for x0 in (0.0, -3.0, 2.5, Inf)
        @test value_and_grad(v -> v^0, x0)[2] === 0.0
    end
end

# Errors.

@testset "a Value exponent is a clear error" begin
    x = Value(2.0)
    for bad in (() -> x^Value(3.0), () -> 2^Value(3.0), () -> 2.0^Value(3.0))
        e = thrown(bad)
        @test e isa TypeError  # SPEC §4.5: a Value exponent is a type error
        @test occursin("exponent", message(e)) && occursin("Value", message(e))
    end
end

@testset "other operand types are MethodErrors naming the type" begin
    x = Value(1.0)
    for (bad, name) in (("3", "String"), (nothing, "Nothing"), (:x, "Symbol"))
        for op in (() -> x + bad, () -> bad + x, () -> x - bad, () -> bad - x,
                   () -> x * bad, () -> x / bad, () -> bad / x)
            e = thrown(op)
            @test e isa MethodError
            @test occursin(name, message(e))
        end
    end
end

@testset "Value data must be a number" begin
    e = thrown(() -> Value("1.0"))
    @test e isa MethodError
    @test occursin("String", message(e))
end

@testset "show prints data and grad only" begin
    @test repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    y = Value(1.0)
    for _ in 1:100_000
        y = y * 1.0
    end
    @test repr(y) == "Value(data=1.0, grad=0.0)"  # no walk down the parents
end

@testset "data and grad are writable" begin
    x = Value(1.0)
    x.data = 3.0
    x.grad = 0.5
    @test (x.data, x.grad) == (3.0, 0.5)
    @test (x * 2).data == 6.0
    x.data = 2  # converted to Float64 by the field type
    @test x.data === 2.0
end

@testset "the lecture's training loop runs" begin
    n = MLP(3, [4, 4, 1]; seed=0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    losses = Float64[]
    loss = nothing
    for _ in 1:20
        ypred = [n(x) for x in xs]
        loss = sse_loss(ypred, ys)
        for p in parameters(n)
            p.grad = 0.0
        end
        backward!(loss)
        for p in parameters(n)
            p.data += -0.05 * p.grad
        end
        push!(losses, loss.data)
    end
    @test loss isa Value
    @test losses[end] < losses[1] / 2
end

# ---------------------------------------------------------------- nn

@testset "parameter count and canonical order" begin
    model = MLP(2, [3, 1]; seed=7)
    params = parameters(model)
    @test length(params) == (2 + 1) * 3 + (3 + 1) * 1
    expected = Value[]
    for layer in model.layers, n in layer.neurons
        append!(expected, n.w)
        push!(expected, n.b)
    end
    @test length(expected) == length(params)
    @test all(params[i] === expected[i] for i in eachindex(params))
    @test all(params[i].data == 0.0 for i in (3, 6, 9, 13))  # the biases
end

@testset "a neuron computes act(b + Σ w·x)" begin
    model = MLP(2, [1]; activation=:tanh, output_activation=:tanh, seed=1)
    w0, w1, b = (p.data for p in parameters(model))
    out = model([0.5, -2.0])
    @test isapprox(out.data, tanh(b + w0 * 0.5 + w1 * -2.0); rtol=1e-15)
end

@testset "activation $activation" for (activation, f) in [
    (:tanh, tanh),
    (:relu, x -> max(x, 0.0)),
    (:sigmoid, x -> 1 / (1 + exp(-x))),
    (:linear, identity),
    ("tanh", tanh),  # Strings work too
]
    model = MLP(3, [2]; output_activation=activation, seed=5)
    xs = [0.3, -1.2, 2.0]
    outs = model(xs)
    @test outs isa Vector{Value} && length(outs) == 2
    params = [p.data for p in parameters(model)]
    for j in 1:2
        w, b = params[(4 * j - 3):(4 * j - 1)], params[4 * j]
        act = b
        for i in 1:3
            act += w[i] * xs[i]
        end
        @test isapprox(outs[j].data, f(act); rtol=1e-14)
    end
end

@testset "a linear output adds no node" begin
    model = MLP(1, [1]; output_activation=:linear, seed=0)
    @test model([2.0])._op == "+"
    @test MLP(1, [1]; output_activation=:relu, seed=0)([2.0])._op == "relu"
end

@testset "the hidden activation differs from the output activation" begin
    model = MLP(1, [1, 1]; activation=:relu, output_activation=:linear, seed=0)
    w0, b0, w1, b1 = (p.data for p in parameters(model))
    x = w0 > 0 ? -5.0 : 5.0  # makes the hidden pre-activation negative
    @test isapprox(model([x]).data, b1 + w1 * max(b0 + w0 * x, 0.0))
end

@testset "a layer of one neuron returns a Value, of many a Vector" begin
    one = Layer(2, 1)([1.0, 2.0])
    many = Layer(2, 3)([1.0, 2.0])
    @test one isa Value
    @test many isa Vector{Value} && length(many) == 3
end

@testset "an MLP with a hidden layer of width one" begin
    out = MLP(3, [1, 2]; seed=11)([1.0, 2.0, 3.0])
    @test out isa Vector{Value} && length(out) == 2
end

@testset "an MLP returns one Value when the last layer has one neuron" begin
    @test MLP(2, [4, 1]; seed=0)([1.0, 1.0]) isa Value
    @test MLP(2, (4, 1); seed=0)((1.0, 1.0)) isa Value  # tuples work too
end

@testset "an MLP accepts Values as inputs and backprops into them" begin
    model = MLP(2, [3, 1]; seed=2)
    x = [Value(0.5), Value(-0.25)]
    backward!(model(x))
    @test any(v.grad != 0.0 for v in x)
end

@testset "zero_grad! clears every parameter" begin
    model = MLP(2, [3, 1]; seed=2)
    backward!(model([1.0, 2.0]))
    @test any(p.grad != 0.0 for p in parameters(model))
    zero_grad!(model)
    @test all(p.grad == 0.0 for p in parameters(model))
end

@testset "parameters share state with the model" begin
    model = MLP(1, [1]; seed=0)
    w, b = parameters(model)
    w.data, b.data = 2.0, 0.5
    @test model([3.0]).data == 6.5
end

@testset "a wrong input length ($n_in expected, $got given) names both" for (n_in, got) in ((3, 2), (2, 4))
    model = MLP(n_in, [2, 1])
    e = thrown(() -> model(zeros(got)))
    @test e isa DimensionMismatch
    @test mentions(message(e), n_in) && mentions(message(e), got)
end

@testset "invalid shapes and activations are clear errors" begin
    e = thrown(() -> MLP(2, Int[]))
    @test e isa ArgumentError && occursin("nouts", message(e))
    e = thrown(() -> MLP(0, [1]))
    @test e isa ArgumentError && mentions(message(e), 0)
    e = thrown(() -> MLP(2, [3, 0]))
    @test e isa ArgumentError && mentions(message(e), 0)
    e = thrown(() -> MLP(2, [1]; activation=:softmax))
    @test e isa ArgumentError && occursin("softmax", message(e))
    e = thrown(() -> Neuron(2, "swish"))
    @test e isa ArgumentError && occursin("swish", message(e))
end

@testset "show mirrors the reference's repr" begin
    model = MLP(2, [2, 1]; seed=0)
    @test repr(model.layers[1].neurons[1]) == "TanhNeuron(2)"
    @test repr(model) == "MLP of [Layer of [TanhNeuron(2), TanhNeuron(2)], Layer of [LinearNeuron(2)]]"
end

# ---------------------------------------------------------------- losses

@testset "mse_loss: value and grads" begin
    y = [Value(1.0), Value(-2.0), Value(0.5)]
    t = [0.0, 1.0, 0.5]
    loss = mse_loss(y, t)
    backward!(loss)
    @test isapprox(loss.data, (1 + 9 + 0) / 3)
    @test isapprox([v.grad for v in y], [2 * 1 / 3, 2 * -3 / 3, 0.0])
    @test loss._op == "/"  # the fold divided by N·K, one div node
end

@testset "mse_loss with K outputs divides by N·K" begin
    y = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
    t = [[0.0, 0.0], [0.0, 0.0]]
    @test isapprox(mse_loss(y, t).data, (1 + 4 + 9 + 16) / 4)
    @test isapprox(sse_loss(y, t).data, 30.0)
end

@testset "sse_loss is the lecture's sum of squares" begin
    y = [Value(0.5), Value(-0.5)]
    loss = sse_loss(y, [1.0, -1.0])
    backward!(loss)
    @test loss.data == 0.5
    @test [v.grad for v in y] == [-1.0, 1.0]
end

@testset "hinge_loss is micrograd's max-margin loss" begin
    y = [Value(0.5), Value(2.0), Value(-0.25)]
    t = [1.0, 1.0, 1.0]
    loss = hinge_loss(y, t)
    backward!(loss)
    @test isapprox(loss.data, (0.5 + 0.0 + 1.25) / 3)
    @test isapprox([v.grad for v in y], [-1 / 3, 0.0, -1 / 3])
end

@testset "hinge_loss at the margin has zero gradient" begin
    y = [Value(1.0)]
    backward!(hinge_loss(y, [1.0]))
    @test y[1].grad == 0.0  # relu'(0) = 0
end

@testset "l2_penalty is a sum of squares" begin
    params = [Value(1.0), Value(-2.0)]
    penalty = l2_penalty(params)
    backward!(penalty)
    @test penalty.data == 5.0
    @test [p.grad for p in params] == [2.0, -4.0]
    @test l2_penalty(Value[]).data == 0.0
end

@testset "$(nameof(loss)): mismatched lengths name both" for loss in (mse_loss, sse_loss, hinge_loss)
    e = thrown(() -> loss([Value(1.0), Value(2.0)], [1.0, 1.0, 1.0]))
    @test e isa DimensionMismatch && mentions(message(e), 2) && mentions(message(e), 3)
    e = thrown(() -> loss(Value[], Float64[]))
    @test e isa ArgumentError && mentions(message(e), 0)
end

@testset "an output width mismatch names both" begin
    e = thrown(() -> mse_loss([[Value(1.0), Value(2.0)]], [[1.0, 2.0, 3.0]]))
    @test e isa DimensionMismatch && mentions(message(e), 2) && mentions(message(e), 3)
end

# ---------------------------------------------------------------- optimizers

@testset "plain SGD" begin
    p = param(1.0, 0.5)
    opt = SGD([p], 0.1)
    step!(opt)
    @test p.data == 1.0 - 0.1 * 0.5
    q = param(1.0, 0.5)
    step!(SGD([q]; lr=0.1))  # lr by keyword, as in torch
    @test q.data == p.data
end

@testset "SGD's lr can change between steps" begin
    p = param(1.0, 1.0)
    opt = SGD([p], 0.1)
    step!(opt)
    opt.lr = 0.5
    step!(opt)
    @test isapprox(p.data, 1.0 - 0.1 - 0.5)
end

@testset "SGD weight decay adds wd·p to the gradient" begin
    p = param(2.0, 0.5)
    step!(SGD([p], 0.1; weight_decay=0.01))
    @test p.data == 2.0 - 0.1 * (0.5 + 0.01 * 2.0)
end

@testset "SGD's momentum buffer starts at the first gradient" begin
    p = param(1.0, 1.0)
    opt = SGD([p], 0.1; momentum=0.9)
    step!(opt)  # buf = g = 1.0
    @test p.data == 1.0 - 0.1 * 1.0
    p.grad = 0.5
    step!(opt)  # buf = 0.9 * 1.0 + 0.5 = 1.4
    @test isapprox(p.data, 0.9 - 0.1 * 1.4; rtol=1e-15)
    p.grad = 0.0
    step!(opt)  # buf = 0.9 * 1.4 = 1.26
    @test isapprox(p.data, 0.9 - 0.14 - 0.126; rtol=1e-15)
end

@testset "Adam's first steps, by hand" begin
    p = param(1.0, 0.5)
    opt = Adam([p], 0.01)
    step!(opt)
    # t=1: m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25; step = 0.01·0.5/(0.5 + 1e-8)
    @test isapprox(p.data, 1.0 - 0.01 * 0.5 / (0.5 + 1e-8); rtol=1e-15)
    p.grad = -1.0
    before = p.data
    step!(opt)
    m = 0.9 * 0.05 + 0.1 * -1.0
    v = 0.999 * 0.00025 + 0.001 * 1.0
    m_hat, v_hat = m / (1 - 0.9^2), v / (1 - 0.999^2)
    @test isapprox(p.data, before - 0.01 * m_hat / (sqrt(v_hat) + 1e-8); rtol=1e-14)
end

@testset "Adam's default lr is 1e-3, and lr works by keyword" begin
    p, q = param(1.0, 0.5), param(1.0, 0.5)
    step!(Adam([p]))
    step!(Adam([q]; lr=1e-3))
    @test isapprox(p.data, 1.0 - 1e-3 * 0.5 / (0.5 + 1e-8); rtol=1e-15)
    @test q.data == p.data
end

@testset "Adam's weight decay is L2 added to the gradient" begin
    p = param(2.0, 0.0)
    step!(Adam([p], 0.1; weight_decay=0.5))
    g = 0.5 * 2.0  # m̂ = g, v̂ = g²: the first step moves by lr·g/(|g| + eps)
    @test isapprox(p.data, 2.0 - 0.1 * g / (g + 1e-8); rtol=1e-15)
end

@testset "Adam's bias correction is one pow, b^t, as in the reference" begin
    # Julia's b^3 with an integer 3 is b*b*b (two roundings); Python's b**3 is
    # C's pow (one). For 0.99 they differ, so this catches the integer power.
    @test 0.99 * 0.99 * 0.99 != 0.99^3.0
    p = param(1.0, 0.3)
    opt = Adam([p], 0.1; betas=(0.99, 0.999))
    m, v, x = 0.0, 0.0, 1.0
    for t in 1:3
        p.grad = 0.3
        step!(opt)
        m = 0.99 * m + (1 - 0.99) * 0.3
        v = 0.999 * v + ((1 - 0.999) * 0.3) * 0.3
        m_hat, v_hat = m / (1 - 0.99^Float64(t)), v / (1 - 0.999^Float64(t))
        x = x - (0.1 * m_hat) / (sqrt(v_hat) + 1e-8)
        @test p.data === x  # bit for bit
    end
end

@testset "Adam with custom betas and eps" begin
    p = param(0.0, 2.0)
    step!(Adam([p], 1.0; betas=(0.5, 0.75), eps=0.5))
    @test isapprox(p.data, -2.0 / (2.0 + 0.5); rtol=1e-15)
end

@testset "an optimizer's zero_grad!" begin
    ps = [param(1.0, 3.0), param(2.0, -1.0)]
    opt = SGD(ps, 0.1)
    zero_grad!(opt)
    @test [p.grad for p in ps] == [0.0, 0.0]
end

@testset "training a model reduces its loss" begin
    model = MLP(2, [8, 1]; seed=3)
    xs, ys = [[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]], [1.0, 1.0, -1.0, -1.0]
    opt = Adam(parameters(model), 0.05)
    losses = Float64[]
    for _ in 1:60
        zero_grad!(opt)
        loss = mse_loss([model(x) for x in xs], ys)
        backward!(loss)
        step!(opt)
        push!(losses, loss.data)
    end
    @test losses[end] < 0.1 * losses[1]
end

@testset "bad optimizer arguments are clear errors" begin
    p = Value(1.0)
    for (f, word) in (
        (() -> SGD(Value[], 0.1), "empty"),
        (() -> SGD([p], -1.0), "lr"),
        (() -> SGD([p], 0.1; momentum=-0.5), "momentum"),
        (() -> SGD([p], 0.1; weight_decay=-1.0), "weight_decay"),
        (() -> SGD([p], NaN), "lr"),
        (() -> Adam([p]; betas=(1.0, 0.999)), "beta1"),
        (() -> Adam([p]; betas=(0.9, -0.1)), "beta2"),
        (() -> Adam([p]; eps=-1e-8), "eps"),
        (() -> Adam(Value[]), "empty"),
    )
        e = thrown(f)
        @test e isa ArgumentError
        @test occursin(word, message(e))
    end
end

# ---------------------------------------------------------------- SplitMix64

@testset "SplitMix64 matches published outputs" begin
    # Vigna's splitmix64.c, not ours.
    rng = SplitMix64(0)
    @test [RosettaGrad.next_u64!(rng) for _ in 1:3] ==
          [0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, 0x06c45d188009454f]
    rng = SplitMix64(1234567)
    @test [RosettaGrad.next_u64!(rng) for _ in 1:3] ==
          UInt64[6457827717110365317, 3203168211198807973, 9817491932198370423]
end

@testset "uniform uses the top 53 bits" begin
    rng = SplitMix64(0)
    @test RosettaGrad.uniform!(rng, -1, 1) == weight(0xe220a8397b1dcdaf)
end

@testset "seeded init draws weights in canonical order, biases zero" begin
    params = [p.data for p in parameters(MLP(2, [3, 1]; seed=0))]
    draws = splitmix(UInt64(0), 9)
    expected = Float64[]
    d = 0
    for (nin, nout) in ((2, 3), (3, 1)), _ in 1:nout
        for _ in 1:nin
            d += 1
            push!(expected, weight(draws[d]))
        end
        push!(expected, 0.0)
    end
    @test params == expected
end

@testset "seeded init equals the Python reference's, bit for bit" begin
    # python3 -c 'from rosettagrad import MLP; print([p.data for p in MLP(2, [3, 1], seed=0).parameters()])'
    @test [p.data for p in parameters(MLP(2, [3, 1]; seed=0))] == [
        0.7666216164272852, -0.13694400590298006, 0.0,
        -0.9471324568148045, 0.941763956307657, 0.0,
        -0.7873066168655751, -0.3453484715637485, 0.0,
        -0.6522642680806343, 0.543093112663134, -0.5086221023197373, 0.0,
    ]
    # MLP(1, [2], seed=2**64 - 1) and seed=2**53 + 1
    @test [p.data for p in parameters(MLP(1, [2]; seed=typemax(UInt64)))] ==
          [0.7878858405663689, 0.0, 0.8251944071889064, 0.0]
    @test [p.data for p in parameters(MLP(1, [2]; seed=2^53 + 1))] ==
          [-0.9581030906061625, 0.0, 0.4217475811136997, 0.0]
    # The bench's model: MLP(2, [16, 16, 1], activation="relu", seed=1337)
    moons = parameters(MLP(2, [16, 16, 1]; activation=:relu, seed=1337))
    @test length(moons) == 337
    @test moons[1].data == 0.42702218288430505
    @test moons[end-1].data == 0.06291212727915552
end

@testset "same seed, same parameters; another seed, others" begin
    a = [p.data for p in parameters(MLP(3, [4, 2]; seed=42))]
    b = [p.data for p in parameters(MLP(3, [4, 2]; seed=42))]
    c = [p.data for p in parameters(MLP(3, [4, 2]; seed=43))]
    @test a == b
    @test a != c
end

@testset "seed $seed (at or above 2^53) works" for seed in (UInt64(2)^53 + 1, typemax(UInt64), big(2)^64 - 1)
    params = [p.data for p in parameters(MLP(1, [2]; seed=seed))]
    expected = [weight(k) for k in splitmix(UInt64(seed), 2)]
    @test [params[1], params[3]] == expected
end

@testset "seeds outside 64 bits are errors" begin
    for seed in (-1, big(2)^64)
        e = thrown(() -> MLP(1, [1]; seed=seed))
        @test e isa ArgumentError && occursin("seed", message(e))
    end
    @test parse(UInt64, "18446744073709551615") == typemax(UInt64)  # how the adapter reads seeds
end

@testset "unseeded models differ" begin
    a = [p.data for p in parameters(MLP(4, [4]))]
    b = [p.data for p in parameters(MLP(4, [4]))]
    @test a != b
    @test all(-1 <= x < 1 for x in a)
end

# ---------------------------------------------------------------- to_dot

@testset "to_dot draws records, ops and edges" begin
    a, b = Value(2.0; label="a"), Value(-3.0; label="b")
    c = a * b
    c.label = "c"
    backward!(c)
    dot = to_dot(c)
    @test startswith(dot, "digraph")
    @test endswith(rstrip(dot), "}")
    records = [m.captures[1] for m in eachmatch(r"\[label=\"\{ (.*?) \}\"", dot)]
    @test sort(records) == sort([
        "a | data 2.0000 | grad -3.0000",
        "b | data -3.0000 | grad 2.0000",
        "c | data -6.0000 | grad 1.0000",
    ])
    @test length(collect(eachmatch(r"label=\"\*\"", dot))) == 1
    @test length(collect(eachmatch(r"->", dot))) == 3  # a -> *, b -> *, * -> c
end

@testset "to_dot prints four decimals as Python's {:.4f} does" begin
    dot = to_dot(Value(-0.00004; label="x"))
    @test occursin("x | data -0.0000 | grad 0.0000", dot)
    @test occursin("data 123456.7891", to_dot(Value(123456.78905)))
    @test occursin("data 0.1250", to_dot(Value(0.125)))
    @test occursin("data 2.0000", to_dot(Value(2.00005)))  # just below the half, in binary
    @test occursin("data 100000000000000000000.0000", to_dot(Value(1e20)))
    @test occursin("data nan", to_dot(Value(NaN)))
    @test occursin("data -inf", to_dot(Value(-Inf)))
end

@testset "to_dot escapes record characters in labels" begin
    dot = to_dot(Value(1.0; label="x|{\"y\"}"))
    @test occursin("x\\|\\{\\\"y\\\"\\}", dot)
end

@testset "to_dot handles a deep graph" begin
    y = Value(1.0)
    for _ in 1:50_000
        y = y + 1
    end
    @test length(collect(eachmatch(r"->", to_dot(y)))) == 3 * 50_000
end

@testset "to_dot rejects non-Values" begin
    @test thrown(() -> to_dot(1.0)) isa MethodError
end

@testset "a model called on a non-list or on non-numbers names what it got" begin
    for model in (MLP(2, [1]; seed=1), Layer(2, 3), Neuron(2))
        for (x, named) in ((nothing, "Nothing"), ("ab", "String"), (3.0, "Float64"),
                           (Any["a", "b"], "String"), (Any[1.0, nothing], "Nothing"))
            e = thrown(() -> model(x))
            @test e isa MethodError && occursin(named, message(e))
        end
    end
end

@testset "a model too large for memory is refused before it is built, naming the count" begin
    # Refused at once: were it built, this would exhaust the machine's memory.
    for (f, count) in ((() -> MLP(10^6, [10^6]), 1000001000000),
                       (() -> MLP(2^16, [2^16]), 4295032832),
                       (() -> Layer(10^6, 10^6), 1000001000000),
                       (() -> Neuron(2^32), 4294967297))
        e = thrown(f)
        @test e isa ArgumentError && mentions(message(e), count)
    end
    @test 0 < RosettaGrad.parameter_limit() <= 2^32 - 1
    @test length(parameters(MLP(2, [3, 1]))) == 13  # small models still build
end

@testset "type errors: Bool sizes and seeds, nouts not a list of integers, non-Value parameters" begin
    for (f, named) in ((() -> Neuron(true), "Bool"), (() -> MLP(2, [true]), "Bool"),
                       (() -> MLP(2, [1]; seed=true), "Bool"), (() -> MLP(2, Any[2.5]), "Float64"),
                       (() -> MLP(2, Any[nothing]), "Nothing"), (() -> SGD([1.0], 0.1), "Float64"),
                       (() -> sse_loss([Value(1.0)], ["a"]), "String"))
        e = thrown(f)
        @test e isa TypeError && occursin(named, message(e))
    end
    @test thrown(() -> MLP(2, 3)) isa MethodError  # a number is not a list of layer sizes
end

@testset "a Bool is not a number anywhere a number is taken (SPEC §2.1)" begin
    x, p = Value(2.0), [Value(1.0)]
    for b in (true, false)
        for f in (() -> Value(b), () -> x + b, () -> b * x, () -> x / b, () -> x^b,
                  () -> MLP(2, [1]; seed=1)(Any[b, 1.0]), () -> sse_loss([x], [b]),
                  () -> hinge_loss([x], Any[b]), () -> Adam(p; betas=(b, 0.999)),
                  () -> Adam(p; betas=(0.9, b)), () -> SGD(p, b))
            e = thrown(f)
            @test e isa TypeError && occursin("Bool", message(e))
        end
    end
    @test (x * 1).data == 2.0 && (x^2).data == 4.0  # integers still are
    for (f, op) in ((() -> x + true, "+"), (() -> false - x, "-"), (() -> x * false, "*"),
                    (() -> true / x, "/"))
        @test occursin("in $op, in operand", message(thrown(f)))  # not "in Value, in data"
    end
end

@testset "Adam's betas are a pair of numbers" begin
    p = [Value(1.0)]
    for (betas, n) in (((0.9,), 1), ((0.9, 0.999, 0.5), 3), ((), 0), ([0.9], 1))
        e = thrown(() -> Adam(p; betas=betas))
        @test e isa ArgumentError && occursin("betas", message(e)) &&
              mentions(message(e), 2) && mentions(message(e), n)
    end
    for (betas, named) in ((0.9, "Float64"), ("ab", "String"), (nothing, "Nothing"),
                           ((0.9, "0.999"), "String"))
        e = thrown(() -> Adam(p; betas=betas))
        @test e isa TypeError && occursin(named, message(e))
    end
    @test Adam(p; betas=[0.5, 0.75]).betas == (0.5, 0.75)  # a Vector of two is a pair too
end

end # @testset "RosettaGrad"
