"""
    RosettaGrad

micrograd's scalar autograd engine (Value, Neuron, Layer, MLP), the Julia port of
rosettagrad. It mirrors the Python reference file by file and builds the same
graph in the same order (conformance/SPEC.md §2).

    using RosettaGrad
    x = Value(-4.0)
    y = relu(2x + 2) * x
    backward!(y)
    x.grad
"""
module RosettaGrad

export Value, relu, sigmoid, backward!
export AbstractModule, Neuron, Layer, MLP, parameters, zero_grad!
export mse_loss, sse_loss, hinge_loss, l2_penalty
export SGD, Adam, step!
export SplitMix64
export to_dot

include("engine.jl")
include("rng.jl")
include("nn.jl")
include("losses.jl")
include("optim.jl")
include("dot.jl")

end # module
