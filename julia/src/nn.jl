# Neuron, Layer and MLP on top of Value, as in micrograd.

const ACTIVATIONS = (:tanh, :relu, :sigmoid, :linear)
# SPEC §2.3: a model of more parameters than this is refused before it is built.
const MAX_PARAMETERS = 2^32 - 1
const BYTES_PER_PARAMETER = 120  # a Value (a mutable struct of nine fields) and its slot

"""
    AbstractModule

Anything with parameters: `parameters(m)` and `zero_grad!(m)`. (Python's
`Module`; Julia's own `Module` is the type of Julia modules, so the port uses
Julia's name for an abstract supertype.)
"""
abstract type AbstractModule end

# region: zero_grad
"""Set the grad of every parameter to 0.0."""
function zero_grad!(m::AbstractModule)
    for p in parameters(m)
        p.grad = 0.0
    end
    return nothing
end

# endregion

parameters(::AbstractModule) = Value[]

# region: Neuron

"""
    Neuron(nin, activation=:tanh; rng=nothing)

act(b + Σ w_i·x_i), weights uniform in [-1, 1), bias 0. `rng` is a
`SplitMix64`, or `nothing` for Julia's own `rand()`.
"""
struct Neuron <: AbstractModule
    w::Vector{Value}
    b::Value
    activation::Symbol
end

function Neuron(nin::Integer, activation::Union{Symbol,AbstractString}=:tanh; rng=nothing)
    _check_size("nin", nin)
    act = _check_activation(activation)
    _check_parameter_count("Neuron($nin)", Int128(nin) + 1)
    w = Value[Value(_uniform(rng, -1.0, 1.0)) for _ in 1:nin]
    return Neuron(w, Value(0.0), act)
end

function (n::Neuron)(x::Union{AbstractVector,Tuple})
    length(x) == length(n.w) ||
        throw(DimensionMismatch("Neuron expects $(length(n.w)) inputs, got $(length(x))"))
    act = n.b
    for (wi, xi) in zip(n.w, x)
        act = act + wi * xi
    end
    n.activation === :linear && return act
    n.activation === :tanh && return tanh(act)
    n.activation === :relu && return relu(act)
    return sigmoid(act)
end

function parameters(n::Neuron)
    ps = copy(n.w)
    push!(ps, n.b)
    return ps
end

Base.show(io::IO, n::Neuron) =
    print(io, uppercasefirst(String(n.activation)), "Neuron(", length(n.w), ")")

# endregion

# region: Layer

"""
    Layer(nin, nout, activation=:tanh; rng=nothing)

`nout` neurons reading the same inputs; one neuron gives one Value (micrograd).
"""
struct Layer <: AbstractModule
    neurons::Vector{Neuron}
end

function Layer(nin::Integer, nout::Integer, activation::Union{Symbol,AbstractString}=:tanh; rng=nothing)
    _check_size("nin", nin)
    _check_size("nout", nout)
    _check_parameter_count("Layer($nin, $nout)", (Int128(nin) + 1) * nout)
    return Layer(Neuron[Neuron(nin, activation; rng=rng) for _ in 1:nout])
end

function (l::Layer)(x::Union{AbstractVector,Tuple})
    out = Value[n(x) for n in l.neurons]
    return length(out) == 1 ? out[1] : out
end

parameters(l::Layer) = Value[p for n in l.neurons for p in parameters(n)]

Base.show(io::IO, l::Layer) = print(io, "Layer of [", join(string.(l.neurons), ", "), "]")

# endregion

# region: MLP

"""
    MLP(nin, nouts; activation=:tanh, output_activation=:linear, seed=nothing)

Layers nin → nouts[1] → … → nouts[end]; the last uses `output_activation`.
With an integer `seed` (0 … 2^64-1) the weights come from SplitMix64 and are
bit-identical in every port; without one, from Julia's `rand()`.
"""
struct MLP <: AbstractModule
    layers::Vector{Layer}
end

function MLP(nin::Integer, nouts::Union{AbstractVector,Tuple};
             activation::Union{Symbol,AbstractString}=:tanh,
             output_activation::Union{Symbol,AbstractString}=:linear,
             seed::Union{Nothing,Integer}=nothing)
    isempty(nouts) && throw(ArgumentError("MLP needs at least one layer: nouts is empty"))
    _check_activation(activation)
    _check_activation(output_activation)
    _check_size("nin", nin)
    for n in nouts
        n isa Integer || throw(TypeError(:MLP, "nouts", Integer, n))
        _check_size("nout", n)
    end
    sizes = Int128[nin]
    append!(sizes, nouts)
    nlayers = length(sizes) - 1
    count = sum((sizes[i] + 1) * sizes[i+1] for i in 1:nlayers)
    _check_parameter_count("MLP($nin, [$(join(nouts, ", "))])", count)
    rng = seed === nothing ? nothing : SplitMix64(seed)
    layers = Layer[]
    for i in 1:nlayers
        act = i == nlayers ? output_activation : activation
        push!(layers, Layer(Int(sizes[i]), Int(sizes[i+1]), act; rng=rng))
    end
    return MLP(layers)
end

function (m::MLP)(x::Union{AbstractVector,Tuple})
    out = x
    for layer in m.layers
        out = layer(out isa Value ? Value[out] : out)
    end
    return out
end

parameters(m::MLP) = Value[p for layer in m.layers for p in parameters(layer)]

Base.show(io::IO, m::MLP) = print(io, "MLP of [", join(string.(m.layers), ", "), "]")

# endregion

# Weights from a seeded SplitMix64, or from Julia's global generator.
_uniform(rng::SplitMix64, a::Float64, b::Float64) = uniform!(rng, a, b)
_uniform(::Nothing, a::Float64, b::Float64) = a + (b - a) * rand()

function _check_size(name::String, n::Integer)
    n isa Bool && throw(TypeError(Symbol(name), "", Union{Signed,Unsigned}, n))
    n >= 1 || throw(ArgumentError("$name must be at least 1, got $n"))
    return nothing
end

function _check_activation(activation::Union{Symbol,AbstractString})
    act = Symbol(activation)
    act in ACTIVATIONS ||
        throw(ArgumentError("unknown activation :$act: expected one of $(join(ACTIVATIONS, ", "))"))
    return act
end

"""The most parameters a model may have here: 2^32 - 1 (SPEC §2.3), or fewer when
the machine's memory cannot hold that many Values."""
parameter_limit() = min(MAX_PARAMETERS, Int(Sys.total_memory() ÷ BYTES_PER_PARAMETER))

# Refuse a model that cannot fit before allocating any of it (SPEC §2.3). Julia's
# OutOfMemoryError carries no message, so this is an ArgumentError naming the count.
function _check_parameter_count(what::String, count::Integer)
    limit = parameter_limit()
    count > limit && throw(ArgumentError(
        "$what would have $count parameters, more than fit here (at most $limit)"))
    return nothing
end
