import pytest
import torch
from custom_dataset import FolderDataset, TensorPairDataset, save_samples
from torch.utils.data import DataLoader

from kata_helpers import assert_equal, assert_tensor


def make_data(n: int, features: int = 3, seed: int = 0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=generator)
    y = torch.randint(0, 4, (n,), generator=generator)
    return x, y


def write_sample(path, x, y):
    torch.save({"features": x.clone(), "label": y.clone()}, path)


# Task 1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 100])
def test_len_is_the_number_of_samples(n):
    x, y = make_data(n)
    assert_equal(
        len(TensorPairDataset(x, y)), n, call=f"len(TensorPairDataset(x, y)) with {n} rows"
    )


@pytest.mark.parametrize("n", [1, 5])
def test_item_i_is_row_i_and_label_i(n):
    x, y = make_data(n)
    dataset = TensorPairDataset(x, y)
    for i in range(n):
        features, label = dataset[i]
        assert_tensor(features, x[i], call=f"TensorPairDataset(x, y)[{i}][0]")
        assert_tensor(label, y[i], call=f"TensorPairDataset(x, y)[{i}][1]")


def test_iterating_gives_every_sample_once():
    x, y = make_data(6)
    items = list(TensorPairDataset(x, y))
    assert len(items) == 6, f"iterating the dataset of 6 samples gave {len(items)} items"
    assert_tensor(torch.stack([f for f, _ in items]), x, call="torch.stack(features of list(ds))")


def test_reading_past_the_end_raises_index_error():
    x, y = make_data(4)
    dataset = TensorPairDataset(x, y)
    with pytest.raises(IndexError):
        dataset[len(dataset)]


def test_mismatched_lengths_raise_value_error():
    x, y = make_data(5)
    with pytest.raises(ValueError):
        TensorPairDataset(x, y[:4])


@pytest.mark.parametrize("batch_size", [1, 4])
def test_a_dataloader_batches_every_sample(batch_size):
    x, y = make_data(10)
    batches = list(DataLoader(TensorPairDataset(x, y), batch_size=batch_size))
    assert_tensor(torch.cat([b[0] for b in batches]), x, call="features of DataLoader(ds) batches")
    assert_tensor(torch.cat([b[1] for b in batches]), y, call="labels of DataLoader(ds) batches")


# Task 2 -----------------------------------------------------------------------------------


def test_transform_sees_one_sample_at_a_time():
    x, y = make_data(5, features=4)
    seen = []

    def transform(sample):
        seen.append(tuple(sample.shape))
        return sample * 2

    dataset = TensorPairDataset(x, y, transform=transform)
    features, _ = dataset[3]
    assert_tensor(
        features, x[3] * 2, call="TensorPairDataset(x, y, transform=lambda s: s * 2)[3][0]"
    )
    assert seen and all(shape == (4,) for shape in seen), (
        f"the transform was called with tensors of shapes {seen}; it must get one sample of "
        f"shape (4,) when the item is read, never the whole (5, 4) tensor"
    )


def test_a_random_transform_differs_on_each_read():
    x, y = make_data(3)

    def add_noise(sample):
        return sample + torch.randn(sample.shape)

    dataset = TensorPairDataset(x, y, transform=add_noise)
    first, _ = dataset[1]
    second, _ = dataset[1]
    assert not torch.equal(first, second), (
        "reading dataset[1] twice with a random transform gave the same tensor: the transform "
        "must run on every read (augmentation), not once when the dataset is built"
    )


def test_transforms_leave_the_stored_data_alone():
    x, y = make_data(4)
    original = x.clone()
    dataset = TensorPairDataset(x, y, transform=lambda s: s + 1)
    for i in range(len(dataset)):
        dataset[i]
    assert_tensor(x, original, call="x after reading every item with transform=lambda s: s + 1")


def test_target_transform_maps_the_label():
    x, y = make_data(4)
    dataset = TensorPairDataset(x, y, target_transform=lambda t: t * 10)
    features, label = dataset[2]
    assert_tensor(label, y[2] * 10, call="TensorPairDataset(x, y, target_transform=t * 10)[2][1]")
    assert_tensor(features, x[2], call="TensorPairDataset(x, y, target_transform=t * 10)[2][0]")


# Task 3 -----------------------------------------------------------------------------------


def test_save_samples_writes_one_numbered_file_per_sample(tmp_path):
    x, y = make_data(12)
    folder = tmp_path / "new" / "samples"
    paths = save_samples(x, y, folder)
    expected = [folder / f"{i:05d}.pt" for i in range(12)]
    assert [str(p) for p in paths] == [str(p) for p in expected], (
        f"save_samples returned {[str(p) for p in paths][:3]}..., expected "
        f"{[str(p) for p in expected][:3]}... (folder / f'{{i:05d}}.pt', in order)"
    )
    for i, path in enumerate(expected):
        sample = torch.load(path, weights_only=True)
        assert_tensor(sample["features"], x[i], call=f"torch.load('{path.name}')['features']")
        assert_tensor(sample["label"], y[i], call=f"torch.load('{path.name}')['label']")


def test_each_file_holds_only_its_own_sample(tmp_path):
    x, y = make_data(200, features=8)
    save_samples(x, y, tmp_path)
    sample = torch.load(tmp_path / "00007.pt", weights_only=True)
    stored = sample["features"].untyped_storage().nbytes()
    assert stored == 8 * 4, (
        f"00007.pt holds a storage of {stored} bytes for one sample of 8 float32 values (32 "
        f"bytes): x[i] is a view, and torch.save writes the whole storage behind it; save a copy"
    )
    stored = sample["label"].untyped_storage().nbytes()
    assert stored == 8, (
        f"00007.pt holds a label storage of {stored} bytes for one int64 label (8 bytes): y[i] "
        f"is a view of all 200 labels too, and torch.save writes the whole storage; save a copy"
    )


# Task 4 -----------------------------------------------------------------------------------


def test_folder_dataset_reads_the_files_in_name_order(tmp_path):
    x, y = make_data(11)
    for i in torch.randperm(11).tolist():
        write_sample(tmp_path / f"{i:05d}.pt", x[i], y[i])
    (tmp_path / "notes.txt").write_text("not a sample")
    dataset = FolderDataset(tmp_path)
    assert_equal(len(dataset), 11, call="len(FolderDataset(folder)) with 11 .pt files and a .txt")
    for i in range(11):
        features, label = dataset[i]
        assert_tensor(features, x[i], call=f"FolderDataset(folder)[{i}][0]")
        assert_tensor(label, y[i], call=f"FolderDataset(folder)[{i}][1]")


def test_folder_dataset_reads_the_file_each_time_its_item_is_asked_for(tmp_path):
    x, y = make_data(3)
    for i in range(3):
        write_sample(tmp_path / f"{i:05d}.pt", x[i], y[i])
    dataset = FolderDataset(tmp_path)
    write_sample(tmp_path / "00001.pt", torch.full((3,), 9.0), torch.tensor(2))
    features, label = dataset[1]
    assert_tensor(features, torch.full((3,), 9.0), call="FolderDataset(folder)[1][0]")
    assert torch.equal(label, torch.tensor(2)), (
        "FolderDataset(folder)[1] returned the file's old contents after the file was rewritten: "
        "it loaded every file when it was built; read the file in __getitem__"
    )
    write_sample(tmp_path / "00001.pt", torch.full((3,), -4.0), torch.tensor(3))
    features, label = dataset[1]
    assert torch.equal(features, torch.full((3,), -4.0)) and torch.equal(label, torch.tensor(3)), (
        "FolderDataset(folder)[1], read again after the file was rewritten a second time, "
        "returned what the first read loaded: it keeps loaded samples, so memory grows with "
        "every item read; load the file on every read, keep only the paths"
    )


def test_folder_dataset_applies_the_transform_per_item(tmp_path):
    x, y = make_data(4)
    for i in range(4):
        write_sample(tmp_path / f"{i:05d}.pt", x[i], y[i])
    dataset = FolderDataset(tmp_path, transform=torch.neg)
    features, label = dataset[2]
    assert_tensor(features, -x[2], call="FolderDataset(folder, transform=torch.neg)[2][0]")
    assert_tensor(label, y[2], call="FolderDataset(folder, transform=torch.neg)[2][1]")


def test_saved_samples_round_trip_through_a_dataloader(tmp_path):
    x, y = make_data(9)
    save_samples(x, y, tmp_path)
    batches = list(DataLoader(FolderDataset(tmp_path), batch_size=4))
    assert_tensor(
        torch.cat([b[0] for b in batches]), x, call="features of DataLoader(FolderDataset)"
    )
    assert_tensor(torch.cat([b[1] for b in batches]), y, call="labels of DataLoader(FolderDataset)")
